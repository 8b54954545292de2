// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Grpc.V1;
using OlaSharp.Uart;

namespace OlaSharp.Grpc.Tests;

/// <summary>DeviceService.GetDeviceHealth: the device health report over gRPC, with the real UART plugin and a missing device.</summary>
public sealed class DeviceHealthServiceTests
{
    [Fact]
    public async Task GetDeviceHealth_MissingUart_StateFixSavedPatchAndPluginInactive()
    {
        string missing = "/dev/ttyNOPE-" + Guid.NewGuid().ToString("N")[..8];
        string? confPath = null;
        await using GrpcTestHost host = await GrpcTestHost.StartAsync(
            prepareDir: dir =>
            {
                confPath = Path.Combine(dir, "ola-uartdmx.conf");
                File.WriteAllText(confPath, $"device = {missing}\nenabled = true\n");
                File.WriteAllText(Path.Combine(dir, "ola-port.conf"), $"20-{missing}-O-0 = 3\n");
            },
            extraPlugins: new UartDmxPlugin());
        var client = new DeviceService.DeviceServiceClient(host.Channel);

        GetDeviceHealthResponse r = await client.GetDeviceHealthAsync(new GetDeviceHealthRequest());

        V1.DeviceHealth d = Assert.Single(r.Devices);
        Assert.Equal((20U, "UART native DMX", $"20-{missing}", missing), (d.PluginId, d.Plugin, d.Device, d.Path));
        Assert.Equal((DeviceState.Missing, "missing"), (d.State, d.StateName));
        Assert.Equal($"Could not open {missing}: No such file or directory", d.LastError);
        Assert.Equal([3U], d.WaitingUniverses);
        Assert.Equal($"{missing} does not exist, so the DMX line is dark.", d.Problem);
        Assert.Contains($"set device = <your UART> in {confPath}", d.Fix, StringComparison.Ordinal);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", d.Since);
        Assert.InRange(d.Seconds, 0UL, 120UL);

        V1.PluginHealth uart = Assert.Single(r.Plugins, p => p.Id == 20);
        Assert.Equal(("UART native DMX", true, false), (uart.Name, uart.Enabled, uart.Active));
        Assert.Equal($"its device is unusable ({missing}: missing)", uart.Reason);
        V1.PluginHealth dummy = Assert.Single(r.Plugins, p => p.Id == 1);
        Assert.Equal((true, string.Empty), (dummy.Active, dummy.Reason));
        Assert.Empty(host.Logs.Errors);
    }
}
