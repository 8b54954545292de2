// Licensed under the MIT License. See LICENSE in the repository root.
using System.Net.Sockets;
using System.Text;

namespace OlaSharp.Server.Tests;

/// <summary>
/// An HTTP/1.1 exchange over a plain TCP socket to 127.0.0.1, for requests HttpClient refuses to send
/// (broken chunking, wrong Content-Length, hand-made headers): writes the bytes as given and reads the
/// reply until the server closes or <c>timeout</c> passes.
/// </summary>
internal static class RawHttp
{
    /// <summary>The reply: status (0 when nothing came back), the raw text, and whether the read timed out.</summary>
    public sealed record Reply(int Status, string Text, bool TimedOut)
    {
        /// <summary>The body (after the blank line), or empty.</summary>
        public string Body => Text.IndexOf("\r\n\r\n", StringComparison.Ordinal) is int i and >= 0 ? Text[(i + 4)..] : string.Empty;
    }

    /// <summary>A request's head for <paramref name="method"/> <paramref name="path"/>, with <c>Connection: close</c>.</summary>
    public static string Head(string method, string path, int port, params string[] headers) =>
        $"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n" + string.Concat(headers.Select(h => h + "\r\n")) + "\r\n";

    /// <summary>Sends <paramref name="request"/> and reads the reply; <paramref name="halfClose"/> sends FIN after it.</summary>
    public static async Task<Reply> SendAsync(int port, byte[] request, TimeSpan? timeout = null, bool halfClose = false)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", port);
        await socket.SendAsync(request);
        if (halfClose)
        {
            socket.Shutdown(SocketShutdown.Send);
        }

        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        using var received = new MemoryStream();
        byte[] buffer = new byte[16384];
        bool timedOut = false;
        try
        {
            while (true)
            {
                int n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (n == 0)
                {
                    break;
                }

                received.Write(buffer, 0, n);
            }
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
        }
        catch (SocketException)
        {
            // Reset by the server after its reply: keep what came.
        }

        string text = Encoding.UTF8.GetString(received.ToArray());
        int status = text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && text.Length >= 12 && int.TryParse(text.AsSpan(9, 3), out int s) ? s : 0;
        return new Reply(status, text, timedOut);
    }

    /// <summary>Sends a text request (ASCII/UTF-8).</summary>
    public static Task<Reply> SendAsync(int port, string request, TimeSpan? timeout = null, bool halfClose = false) =>
        SendAsync(port, Encoding.UTF8.GetBytes(request), timeout, halfClose);
}
