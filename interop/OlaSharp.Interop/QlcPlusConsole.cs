// Licensed under the MIT License. See LICENSE in the repository root.

using System.Diagnostics;
using System.Globalization;
using System.Security;
using System.Text;

namespace OlaSharp.Interop;

/// <summary>The output plugin a <see cref="QlcPlusConsole"/> sends its universe with.</summary>
public enum QlcPlusOutput
{
    /// <summary>QLC+'s "ArtNet" plugin: ArtDmx, broadcast to the interface's subnet.</summary>
    ArtNet,

    /// <summary>QLC+'s "E1.31" plugin: sACN multicast to 239.255.0.universe.</summary>
    E131,
}

/// <summary>
/// QLC+ 4.12 (Debian's <c>qlcplus</c>) as a real console, headless (<c>QT_QPA_PLATFORM=offscreen</c>, operate
/// mode <c>-p</c>) in a <see cref="NetworkNamespace"/>: a generated workspace holds one generic dimmer fixture
/// on QLC+'s universe 1 and a Scene with the given levels, which the Engine's autostart runs at once, so QLC+
/// sends those levels from the moment it starts. Its HOME is a throw-away directory (QLC+ writes its settings
/// there), removed on dispose; the process is stopped by its pid.
/// </summary>
public sealed class QlcPlusConsole : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dir;
    private int _disposed;

    private QlcPlusConsole(Process process, string dir, ProcessOutput output)
    {
        _process = process;
        _dir = dir;
        Output = output;
    }

    /// <summary>QLC+'s stdout and stderr.</summary>
    public ProcessOutput Output { get; }

    /// <summary>QLC+'s pid.</summary>
    public int Pid => _process.Id;

    /// <summary>
    /// Writes the workspace (see <see cref="Workspace"/>) and starts QLC+ in <paramref name="ns"/>, which must
    /// have an interface address (a <see cref="VethNetwork"/> host): QLC+'s network plugins list one line per
    /// IPv4 address and the workspace picks the line by that address.
    /// </summary>
    /// <param name="ns">The host QLC+ runs on.</param>
    /// <param name="output">The plugin to send with.</param>
    /// <param name="universe">The Art-Net Port-Address (0..32767) or E1.31 universe (1..63999) QLC+'s universe 1 goes to.</param>
    /// <param name="levels">The Scene's levels for channels 1..n.</param>
    /// <returns>The running console.</returns>
    public static QlcPlusConsole Start(NetworkNamespace ns, QlcPlusOutput output, int universe, IReadOnlyList<byte> levels)
    {
        ArgumentNullException.ThrowIfNull(ns);
        ArgumentNullException.ThrowIfNull(levels);
        string address = ns.Address?.ToString() ?? throw new ArgumentException($"namespace {ns.Name} has no interface address for QLC+ to send from", nameof(ns));
        string qlcplus = Peers.Require("qlcplus", "qlcplus");
        string dir = Directory.CreateTempSubdirectory("olas-qlcplus-").FullName;
        string workspace = Path.Combine(dir, "console.qxw");
        File.WriteAllText(workspace, Workspace(output, address, universe, levels));
        var processOutput = new ProcessOutput();
        Process process = ns.Start(
            "/usr/bin/env",
            ["QT_QPA_PLATFORM=offscreen", "HOME=" + dir, "XDG_RUNTIME_DIR=" + dir, qlcplus, "-o", workspace, "-p"],
            output: processOutput);
        return new QlcPlusConsole(process, dir, processOutput);
    }

    /// <summary>
    /// The workspace: universe 1 (QLC+'s index 0) patched to the output plugin's line for
    /// <paramref name="address"/>, Art-Net broadcast to the /24's broadcast address or E1.31 multicast,
    /// a "Generic" dimmer pack of as many channels as levels at address 1, and a Scene (function 0) holding
    /// the levels, started by <c>Engine Autostart="0"</c>.
    /// </summary>
    /// <param name="output">The output plugin.</param>
    /// <param name="address">The IPv4 address of the interface QLC+ sends from.</param>
    /// <param name="universe">Art-Net Port-Address or E1.31 universe.</param>
    /// <param name="levels">Channel levels.</param>
    /// <returns>The XML text.</returns>
    public static string Workspace(QlcPlusOutput output, string address, int universe, IReadOnlyList<byte> levels)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(levels);
        ArgumentOutOfRangeException.ThrowIfZero(levels.Count);
        string u = universe.ToString(CultureInfo.InvariantCulture);
        string broadcast = address[..(address.LastIndexOf('.') + 1)] + "255";
        string patch = output == QlcPlusOutput.ArtNet
            ? $"""<Output Plugin="ArtNet" UID="{SecurityElement.Escape(address)}" Line="1"><PluginParameters outputIP="{broadcast}" outputUni="{u}"/></Output>"""
            : $"""<Output Plugin="E1.31" UID="{SecurityElement.Escape(address)}" Line="1"><PluginParameters universe="{u}"/></Output>""";
        var values = new StringBuilder();
        for (int i = 0; i < levels.Count; i++)
        {
            values.Append(i == 0 ? string.Empty : ",").Append(CultureInfo.InvariantCulture, $"{i},{levels[i]}");
        }

        return $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE Workspace>
            <Workspace xmlns="http://www.qlcplus.org/Workspace" CurrentWindow="FunctionManager">
             <Creator><Name>Q Light Controller Plus</Name><Version>4.12.6</Version><Author>OlaSharp interop</Author></Creator>
             <Engine Autostart="0">
              <InputOutputMap>
               <Universe Name="Universe 1" ID="0">{patch}</Universe>
              </InputOutputMap>
              <Fixture>
               <Manufacturer>Generic</Manufacturer><Model>Generic</Model><Mode>{levels.Count} Channel</Mode>
               <ID>0</ID><Name>Dimmers</Name><Universe>0</Universe><Address>0</Address><Channels>{levels.Count}</Channels>
              </Fixture>
              <Function ID="0" Type="Scene" Name="Look">
               <Speed FadeIn="0" FadeOut="0" Duration="0"/>
               <FixtureVal ID="0">{values}</FixtureVal>
              </Function>
             </Engine>
            </Workspace>
            """;
    }

    /// <summary>Stops QLC+ by its pid (SIGTERM, then SIGKILL) and removes its directory.</summary>
    /// <returns>A task that completes when it is gone.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: false);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            _process.Dispose();
            Directory.Delete(_dir, recursive: true);
        }
    }
}
