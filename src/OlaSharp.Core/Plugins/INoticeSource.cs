// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core.Plugins;

/// <summary>
/// Something the user should know and can fix, shown on the web UI's home page (<c>/json/notices</c>): for
/// example Art-Net arriving for a universe no input port listens to.
/// </summary>
/// <param name="Kind">A stable identifier of the kind of notice (<c>artnet_unpatched</c>).</param>
/// <param name="Subject">What it is about (a Port-Address such as <c>0:0:0</c>).</param>
/// <param name="From">Who causes it (a sender's address), or empty.</param>
/// <param name="Count">How many times it happened (packets).</param>
/// <param name="LastSeen">How long ago it last happened.</param>
/// <param name="Message">What is wrong and how to fix it, in words.</param>
public readonly record struct PluginNotice(string Kind, string Subject, string From, long Count, TimeSpan LastSeen, string Message);

/// <summary>A plugin with notices for the user; read when the web UI asks, never on a hot path.</summary>
public interface INoticeSource
{
    /// <summary>Adds the current notices to <paramref name="into"/>.</summary>
    void CollectNotices(ICollection<PluginNotice> into);
}
