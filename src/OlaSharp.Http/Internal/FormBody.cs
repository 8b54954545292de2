// Licensed under the MIT License. See LICENSE in the repository root.
using System.Buffers;
using System.IO.Pipelines;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace OlaSharp.Http.Internal;

/// <summary>What reading a POST's form gave: the fields, or why there are none (a one-line reason for the 400).</summary>
internal readonly record struct FormRead(IFormCollection? Form, string? Error, bool NotAForm = false);

/// <summary>
/// Reads a POST's form body without letting anything escape: broken chunking (Kestrel throws, and lets an
/// <see cref="OverflowException"/> out as a bare <see cref="IOException"/> for a chunk size like
/// <c>ffffffffffffffffff</c>), a body that stops short or arrives too slowly, a body over
/// <see cref="MaxBytes"/>, more than <see cref="MaxFields"/> fields, bad percent-encoding or UTF-8, and
/// broken multipart all come back as a reason, answered with a 400. URL-encoded bodies are parsed here,
/// strictly: olad's parser would keep <c>%zz</c> as text and bytes that are not UTF-8 as they are, which
/// only turns a typo into silently wrong levels or names.
/// </summary>
internal static class FormBody
{
    /// <summary>The most a form body may hold: 512 values of <c>set_dmx</c> need 2 KiB, a long patch list a few.</summary>
    public const int MaxBytes = 1 << 20;

    /// <summary>The most fields a form may have (ASP.NET's own default).</summary>
    public const int MaxFields = 1024;

    private const string UrlEncoded = "application/x-www-form-urlencoded";

    public static async Task<FormRead> ReadAsync(HttpContext ctx)
    {
        HttpRequest request = ctx.Request;
        if (!request.HasFormContentType)
        {
            return new FormRead(null, null, NotAForm: true);
        }

        if (request.ContentLength > MaxBytes)
        {
            return new FormRead(null, TooLarge);
        }

        // Kestrel stops reading (and throws) past this, also for chunked bodies that give no length.
        if (ctx.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBytes;
        }

        try
        {
            if (!request.ContentType!.StartsWith(UrlEncoded, StringComparison.OrdinalIgnoreCase))
            {
                return new FormRead(await request.ReadFormAsync(ctx.RequestAborted).ConfigureAwait(false), null);
            }

            byte[]? body = await ReadBodyAsync(request.BodyReader, ctx.RequestAborted).ConfigureAwait(false);
            if (body is null)
            {
                return new FormRead(null, TooLarge);
            }

            return TryParseUrlEncoded(body, out Dictionary<string, StringValues> fields, out string? error)
                ? new FormRead(new FormCollection(fields), null)
                : new FormRead(null, error);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return new FormRead(null, TooLarge);
        }
        catch (IOException ex)
        {
            // BadHttpRequestException is an IOException: broken chunking, a body cut short, too slow.
            return new FormRead(null, "malformed request body: " + OneLine(ex.Message));
        }
        catch (InvalidDataException ex)
        {
            // ASP.NET's multipart reader: a missing boundary, a part over its limits.
            return new FormRead(null, "malformed multipart form: " + OneLine(ex.Message));
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            return new FormRead(null, "the client went away before sending the whole body");
        }
    }

    /// <summary>
    /// Parses <c>application/x-www-form-urlencoded</c> (<c>+</c> is a space, <c>%XX</c> a byte, UTF-8 text):
    /// false with a reason on a <c>%</c> not followed by two hex digits, text that is not UTF-8, or more
    /// than <see cref="MaxFields"/> fields. Repeated keys keep every value, in order; keys ignore case (as
    /// ASP.NET's form reader does).
    /// </summary>
    public static bool TryParseUrlEncoded(ReadOnlySpan<byte> body, out Dictionary<string, StringValues> fields, out string? error)
    {
        fields = new Dictionary<string, StringValues>(StringComparer.OrdinalIgnoreCase);
        error = null;
        int count = 0;
        while (!body.IsEmpty)
        {
            int amp = body.IndexOf((byte)'&');
            ReadOnlySpan<byte> pair = amp < 0 ? body : body[..amp];
            body = amp < 0 ? default : body[(amp + 1)..];
            if (pair.IsEmpty)
            {
                continue;
            }

            if (++count > MaxFields)
            {
                error = $"more than {MaxFields} form fields";
                return false;
            }

            int eq = pair.IndexOf((byte)'=');
            if (!TryDecode(eq < 0 ? pair : pair[..eq], out string? key, out error) ||
                !TryDecode(eq < 0 ? default : pair[(eq + 1)..], out string? value, out error))
            {
                return false;
            }

            fields[key] = fields.TryGetValue(key, out StringValues existing) ? StringValues.Concat(existing, value) : new StringValues(value);
        }

        return true;
    }

    private static string TooLarge => $"form body too large (over {MaxBytes / 1024 / 1024} MiB)";

    // The whole body, or null past MaxBytes.
    private static async Task<byte[]?> ReadBodyAsync(PipeReader reader, CancellationToken ct)
    {
        while (true)
        {
            ReadResult read = await reader.ReadAsync(ct).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = read.Buffer;
            if (buffer.Length > MaxBytes)
            {
                reader.AdvanceTo(buffer.End);
                return null;
            }

            if (read.IsCompleted)
            {
                byte[] body = buffer.ToArray();
                reader.AdvanceTo(buffer.End);
                return body;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static bool TryDecode(ReadOnlySpan<byte> encoded, out string text, out string? error)
    {
        text = string.Empty;
        error = null;
        byte[] rented = ArrayPool<byte>.Shared.Rent(Math.Max(encoded.Length, 1));
        try
        {
            int n = 0;
            for (int i = 0; i < encoded.Length; i++)
            {
                byte b = encoded[i];
                if (b == '+')
                {
                    b = (byte)' ';
                }
                else if (b == '%')
                {
                    if (i + 2 >= encoded.Length || !IsHex(encoded[i + 1]) || !IsHex(encoded[i + 2]))
                    {
                        error = $"bad percent-encoding in the form at \"{Excerpt(encoded, i)}\" (a literal % is written %25)";
                        return false;
                    }

                    b = (byte)((HexValue(encoded[i + 1]) << 4) | HexValue(encoded[i + 2]));
                    i += 2;
                }

                rented[n++] = b;
            }

            ReadOnlySpan<byte> decoded = rented.AsSpan(0, n);
            if (!Utf8.IsValid(decoded))
            {
                error = $"form text is not valid UTF-8 after percent-decoding at \"{Excerpt(encoded, 0)}\"";
                return false;
            }

            text = Encoding.UTF8.GetString(decoded);
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static bool IsHex(byte b) => b is (>= (byte)'0' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f') or (>= (byte)'A' and <= (byte)'F');

    private static int HexValue(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;

    // Up to 20 bytes of the raw text from start, as Latin-1 with control characters as '?', so any byte prints on one line.
    private static string Excerpt(ReadOnlySpan<byte> encoded, int start)
    {
        char[] chars = Encoding.Latin1.GetChars(encoded.Slice(start, Math.Min(20, encoded.Length - start)).ToArray());
        for (int i = 0; i < chars.Length; i++)
        {
            if (char.IsControl(chars[i]))
            {
                chars[i] = '?';
            }
        }

        return new string(chars);
    }

    private static string OneLine(string message) =>
        message.ReplaceLineEndings(" ").Trim();
}
