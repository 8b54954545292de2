// Licensed under the MIT License. See LICENSE in the repository root.
using System.Globalization;
using OlaSharp.Core.Plugins;
using OlaSharp.Grpc.V1;
using CoreDeviceHealth = OlaSharp.Core.Plugins.DeviceHealth;
using CorePluginHealth = OlaSharp.Core.Plugins.PluginHealth;

namespace OlaSharp.Grpc.Internal;

/// <summary>DeviceService: the device health report of <see cref="DeviceHealthReport"/>, as <c>GET /json/health</c> gives it.</summary>
internal sealed class DeviceServiceImpl(ServerCore core) : DeviceService.DeviceServiceBase
{
    public override Task<GetDeviceHealthResponse> GetDeviceHealth(GetDeviceHealthRequest request, ServerCallContext context)
    {
        DateTimeOffset now = core.Time.GetUtcNow();
        var response = new GetDeviceHealthResponse();
        foreach (CoreDeviceHealth d in DeviceHealthReport.Collect(core.Plugins))
        {
            var m = new V1.DeviceHealth
            {
                PluginId = (uint)d.PluginId,
                Plugin = d.PluginName,
                Device = d.DeviceId,
                Path = d.Path,
                State = (DeviceState)((int)d.State + 1),
                StateName = d.StateName,
                Since = d.Since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                Seconds = (ulong)Math.Max(0, (long)(now - d.Since).TotalSeconds),
                LastError = d.LastError ?? string.Empty,
                Problem = d.Problem,
                Fix = d.Fix,
            };
            foreach (int u in d.WaitingUniverses)
            {
                m.WaitingUniverses.Add((uint)u);
            }

            response.Devices.Add(m);
        }

        foreach (Plugin p in core.Plugins.Plugins.OrderBy(p => p.Id))
        {
            CorePluginHealth h = DeviceHealthReport.Of(p);
            response.Plugins.Add(new V1.PluginHealth { Id = (uint)p.Id, Name = p.Name, Enabled = p.IsEnabled, Active = h.Active, Reason = h.Reason });
        }

        return Task.FromResult(response);
    }
}
