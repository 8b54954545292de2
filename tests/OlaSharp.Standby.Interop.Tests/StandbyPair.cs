// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using OlaSharp.ArtNet.Packets;
using OlaSharp.Interop;

namespace OlaSharp.Standby.Interop.Tests;

/// <summary>Which protocol the servers output (the console then sends the other one, so outputs never loop back as inputs).</summary>
public enum OutputProtocol
{
    /// <summary>Console: Art-Net 0:0:1 unicast to both servers; servers: sACN universe 1 (multicast).</summary>
    Sacn,

    /// <summary>Console: sACN universe 1 unicast to both servers; servers: Art-Net 0:0:1 (broadcast).</summary>
    ArtNet,
}

/// <summary>One frame the receiver got.</summary>
/// <param name="At">Stopwatch timestamp of its arrival.</param>
/// <param name="From">The sender's host (1 or 2: server A or B).</param>
/// <param name="Value">Slot 1 (the console's frame counter, never 0).</param>
/// <param name="Priority">The sACN priority (Art-Net: 0).</param>
/// <param name="Terminated">An sACN stream-terminated packet.</param>
/// <param name="Current">Slot 1 is a value the console sent within the last second, and all four slots agree with it.</param>
public readonly record struct ReceivedFrame(long At, int From, int Value, int Priority, bool Terminated, bool Current);

/// <summary>
/// Servers A (198.18.0.1) and B (198.18.0.2) as a hot-standby pair in a private VethNetwork, a console on
/// 198.18.0.3 sending a changing look at 44 Hz to both, and a receiver on 198.18.0.4 recording each server's
/// output frames with their arrival times. Servers are started and killed (SIGKILL) by pid.
/// </summary>
public sealed class StandbyPair : IAsyncDisposable
{
    private const string SacnGroup = "239.255.0.1";
    private readonly VethNetwork _net;
    private readonly OutputProtocol _protocol;
    private readonly string _dir;
    private readonly Process?[] _processes = new Process?[2];
    private readonly long[] _lastSent = new long[256];
    private readonly List<ReceivedFrame> _frames = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly StringBuilder _logs = new();
    private Thread? _console;
    private Thread? _receiver;
    private Socket? _receiveSocket;
    private Socket? _consoleSocket;

    private StandbyPair(VethNetwork net, OutputProtocol protocol, string dir)
    {
        _net = net;
        _protocol = protocol;
        _dir = dir;
    }

    /// <summary>The servers' current output captures (index 0: A, 1: B).</summary>
    public ProcessOutput[] Outputs { get; } = [new(), new()];

    /// <summary>Each server's conf dir.</summary>
    public string ConfDir(int server) => Path.Combine(_dir, server == 0 ? "a" : "b");

    /// <summary>The network, the conf dirs (with <paramref name="standbyConf"/> for each server), the console and the receiver.</summary>
    public static async Task<StandbyPair> CreateAsync(OutputProtocol protocol, Func<int, string> standbyConf)
    {
        Peers.RequireRoot();
        VethNetwork net = await VethNetwork.CreateAsync(4, "olsb");
        var pair = new StandbyPair(net, protocol, Directory.CreateTempSubdirectory("olas-standby-").FullName);
        try
        {
            for (int i = 0; i < 2; i++)
            {
                string conf = pair.ConfDir(i);
                Directory.CreateDirectory(conf);
                string ip = "198.18.0." + (i + 1).ToString(CultureInfo.InvariantCulture);
                await File.WriteAllTextAsync(Path.Combine(conf, "ola-artnet.conf"), $"enabled = true\nip = {ip}\nalways_broadcast = true\n");
                await File.WriteAllTextAsync(Path.Combine(conf, "ola-e131.conf"), $"enabled = true\nip = {ip}\ncid = {Cid(i)}\n");
                await File.WriteAllTextAsync(Path.Combine(conf, "ola-uartdmx.conf"), "enabled = false\n");
                await File.WriteAllTextAsync(Path.Combine(conf, "ola-dummy.conf"), "enabled = false\n");
                await File.WriteAllTextAsync(Path.Combine(conf, "ola-port.conf"), protocol == OutputProtocol.Sacn ? "2-1-I-0 = 1\n11-1-O-0 = 1\n" : "11-1-I-0 = 1\n2-1-O-0 = 1\n");
                await File.WriteAllTextAsync(Path.Combine(conf, "ola-standby.conf"), standbyConf(i));
            }

            pair.StartReceiver();
            pair.StartConsole();
        }
        catch
        {
            await pair.DisposeAsync();
            throw;
        }

        return pair;
    }

    /// <summary>Server <paramref name="i"/>'s sACN CID (also its standby id).</summary>
    public static string Cid(int i) => i == 0 ? "5eb1a000-0000-4000-8000-00000000000a" : "5eb1a000-0000-4000-8000-00000000000b";

    /// <summary>Starts server <paramref name="i"/> and waits for its ready line.</summary>
    public async Task StartServerAsync(int i)
    {
        var output = new ProcessOutput();
        Outputs[i] = output;
        _processes[i] = _net.Hosts[i].Start(OlasharpdCommand.FileName,
            OlasharpdCommand.Arguments("-c", ConfDir(i), "--http-port", "9090", "--rpc-port", "9010", "--grpc-port", "0", "-l", "3"), output: output);
        bool ready = await output.WaitForLineAsync(l => l.Contains("OLASHARPD_READY", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        if (!ready)
        {
            throw new InvalidOperationException($"server {i} did not start:\n{output.StandardOutput}{output.StandardError}");
        }
    }

    /// <summary>SIGKILL to server <paramref name="i"/> (its own pid); returns the Stopwatch timestamp just before.</summary>
    public long Kill(int i)
    {
        Process p = _processes[i] ?? throw new InvalidOperationException("server not running");
        lock (_logs)
        {
            _logs.Append(CultureInfo.InvariantCulture, $"--- server {i} (pid {p.Id}) before its kill:\n{Outputs[i].StandardOutput}{Outputs[i].StandardError}");
        }

        long at = Stopwatch.GetTimestamp();
        p.Kill(entireProcessTree: false);
        p.WaitForExit(5000);
        _processes[i] = null;
        return at;
    }

    /// <summary>
    /// An HTTP request to server <paramref name="i"/>'s port 9090, made by curl inside the console's namespace (the
    /// test process cannot reach into the network): the status code and the body.
    /// </summary>
    public async Task<(int Status, string Body)> HttpAsync(int i, string method, string path)
    {
        string url = "http://198.18.0." + (i + 1).ToString(CultureInfo.InvariantCulture) + ":9090" + path;
        CommandResult r = await _net.Hosts[2].RunAsync("curl", ["-s", "-m", "5", "-X", method, "-w", "\n%{http_code}", url], TimeSpan.FromSeconds(10));
        r.EnsureSuccess("curl " + method + " " + url);
        string text = r.StandardOutput.TrimEnd();
        int cut = text.LastIndexOf('\n');
        return (int.Parse(text.AsSpan(cut + 1), CultureInfo.InvariantCulture), text[..Math.Max(0, cut)]);
    }

    /// <summary>Every log so far, for failure messages.</summary>
    public string Logs()
    {
        lock (_logs)
        {
            return _logs + $"--- A now:\n{Outputs[0].StandardOutput}{Outputs[0].StandardError}--- B now:\n{Outputs[1].StandardOutput}{Outputs[1].StandardError}";
        }
    }

    /// <summary>The frames received so far.</summary>
    public ReceivedFrame[] Frames()
    {
        lock (_frames)
        {
            return [.. _frames];
        }
    }

    /// <summary>Data frames (not terminate packets) received at or after <paramref name="since"/>.</summary>
    public ReceivedFrame[] DataSince(long since) => [.. Frames().Where(f => f.At >= since && !f.Terminated)];

    /// <summary>The role-change lines server <paramref name="i"/> logged since its start.</summary>
    public string[] RoleChanges(int i) =>
        [.. Outputs[i].StandardOutput.Split('\n').Where(l => l.Contains("Standby: ", StringComparison.Ordinal) && l.Contains(" -> ", StringComparison.Ordinal))];

    /// <summary>Waits until the receiver has heard only server <paramref name="active"/> (data) for <paramref name="quiet"/>, or any one if null; returns it.</summary>
    public async Task<int> WaitForSingleStreamAsync(TimeSpan quiet, TimeSpan timeout, int? active = null)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < timeout)
        {
            long since = Stopwatch.GetTimestamp() - (long)(quiet.TotalSeconds * Stopwatch.Frequency);
            ReceivedFrame[] recent = DataSince(since);
            if (recent.Length > 5 && recent.All(f => f.From == recent[0].From) && (active is null || recent[0].From == active)
                && Frames().Any(f => f.At < since))
            {
                return recent[0].From;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"no single stream for {quiet.TotalMilliseconds} ms within {timeout.TotalSeconds} s; last frames from: "
            + string.Join(",", DataSince(Stopwatch.GetTimestamp() - Stopwatch.Frequency).Select(f => f.From).Distinct()) + "\n" + Logs());
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _console?.Join(2000);
        _receiver?.Join(2000);
        _consoleSocket?.Dispose();
        _receiveSocket?.Dispose();
        await _net.DisposeAsync();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }

        _stop.Dispose();
    }

    private void StartConsole()
    {
        Socket s = _net.Hosts[2].CreateSocket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(IPAddress.Parse("198.18.0.3"), 0));
        _consoleSocket = s;
        var a = new IPEndPoint(IPAddress.Parse("198.18.0.1"), _protocol == OutputProtocol.Sacn ? 6454 : 5568);
        var b = new IPEndPoint(IPAddress.Parse("198.18.0.2"), a.Port);
        _console = new Thread(() =>
        {
            byte[] packet = new byte[700];
            byte[] slots = new byte[4];
            byte sequence = 0;
            long frame = 0;
            long period = Stopwatch.Frequency / 44;
            long next = Stopwatch.GetTimestamp();
            while (!_stop.IsCancellationRequested)
            {
                int value = (int)(frame++ % 255) + 1;
                slots.AsSpan().Fill((byte)value);
                sequence++;
                int n = _protocol == OutputProtocol.Sacn
                    ? ArtDmxPacket.Write(packet, sequence, 0, 1, slots)
                    : WriteSacn(packet, sequence, slots);
                Volatile.Write(ref _lastSent[value], Stopwatch.GetTimestamp());
                try
                {
                    s.SendTo(packet.AsSpan(0, n), SocketFlags.None, a);
                    s.SendTo(packet.AsSpan(0, n), SocketFlags.None, b);
                }
                catch (SocketException)
                {
                }

                next += period;
                long wait = next - Stopwatch.GetTimestamp();
                if (wait > 0)
                {
                    Thread.Sleep(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency));
                }
            }
        })
        { IsBackground = true, Name = "console" };
        _console.Start();
    }

    private void StartReceiver()
    {
        Socket s = _net.Hosts[3].CreateSocket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        s.Bind(new IPEndPoint(IPAddress.Any, _protocol == OutputProtocol.Sacn ? 5568 : 6454));
        if (_protocol == OutputProtocol.Sacn)
        {
            s.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(IPAddress.Parse(SacnGroup), IPAddress.Parse("198.18.0.4")));
        }

        s.ReceiveTimeout = 100;
        _receiveSocket = s;
        _receiver = new Thread(() =>
        {
            byte[] buffer = new byte[1500];
            EndPoint from = new IPEndPoint(IPAddress.Any, 0);
            while (!_stop.IsCancellationRequested)
            {
                int n;
                try
                {
                    n = s.ReceiveFrom(buffer, ref from);
                }
                catch (SocketException)
                {
                    continue;
                }
                catch (ObjectDisposedException)
                {
                    return;
                }

                long at = Stopwatch.GetTimestamp();
                byte[] address = ((IPEndPoint)from).Address.GetAddressBytes();
                if (address[0] != 198 || address[3] is not (1 or 2))
                {
                    continue;
                }

                if (TryDecode(buffer.AsSpan(0, n), out int value, out int priority, out bool terminated, out bool consistent))
                {
                    bool current = terminated || (consistent && value is > 0 and < 256
                        && at - Volatile.Read(ref _lastSent[value]) is >= 0 and var age && age <= Stopwatch.Frequency);
                    lock (_frames)
                    {
                        _frames.Add(new ReceivedFrame(at, address[3], value, priority, terminated, current));
                    }
                }
            }
        })
        { IsBackground = true, Name = "receiver" };
        _receiver.Start();
    }

    // The servers' output: ArtDmx 0:0:1, or an sACN data packet (start code 0) of universe 1.
    private bool TryDecode(ReadOnlySpan<byte> p, out int value, out int priority, out bool terminated, out bool consistent)
    {
        value = priority = 0;
        terminated = consistent = false;
        if (_protocol == OutputProtocol.ArtNet)
        {
            if (!ArtDmxPacket.TryParse(p, out ArtDmxPacket dmx) || dmx.PortAddress != 1)
            {
                return false;
            }

            value = dmx.Data[0];
            consistent = dmx.Data.Length >= 4 && dmx.Data[1] == value && dmx.Data[2] == value && dmx.Data[3] == value;
            return true;
        }

        if (p.Length < 126 || p[21] != 0x04 || p[43] != 0x02 || p[113] != 0 || p[114] != 1)
        {
            return false;
        }

        priority = p[108];
        terminated = (p[112] & 0x40) != 0;
        if (terminated)
        {
            return true;
        }

        if (p[125] != 0 || p.Length < 130)
        {
            return false;
        }

        value = p[126];
        consistent = p[127] == value && p[128] == value && p[129] == value;
        return true;
    }

    // An E1.31 data packet for universe 1 at priority 100 (the console's).
    private static int WriteSacn(Span<byte> p, byte sequence, ReadOnlySpan<byte> slots)
    {
        int length = 126 + slots.Length;
        p[..length].Clear();
        p[1] = 0x10;
        "ASC-E1.17"u8.CopyTo(p[4..]);
        FlagsLength(p[16..], length - 16);
        p[21] = 0x04;
        Guid.Parse("c0501e00-0000-4000-8000-000000000001").TryWriteBytes(p[22..38], bigEndian: true, out _);
        FlagsLength(p[38..], length - 38);
        p[43] = 0x02;
        "standby-test-console"u8.CopyTo(p[44..]);
        p[108] = 100;
        p[111] = sequence;
        p[114] = 1;
        FlagsLength(p[115..], length - 115);
        p[117] = 0x02;
        p[118] = 0xa1;
        p[122] = 0x01;
        p[123] = (byte)((slots.Length + 1) >> 8);
        p[124] = (byte)(slots.Length + 1);
        slots.CopyTo(p[126..]);
        return length;
    }

    private static void FlagsLength(Span<byte> at, int length)
    {
        at[0] = (byte)(0x70 | (length >> 8));
        at[1] = (byte)length;
    }
}
