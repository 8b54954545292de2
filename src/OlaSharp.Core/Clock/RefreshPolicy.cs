// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core.Clock;

/// <summary>When an output port emits.</summary>
public enum RefreshMode
{
    /// <summary>Emit on every tick of the port's period.</summary>
    Fixed = 0,

    /// <summary>Emit promptly when the merged frame changes (at most once per period), repeat a few times, then keep alive.</summary>
    Change = 1,
}

/// <summary>
/// An output port's clock settings. DMX-bound outputs run at 1..44 Hz (513 slots take 22.7 ms on the
/// line, so 44 Hz is DMX512's ceiling); network outputs may run faster up to <see cref="MaxNetworkRateHz"/>.
/// </summary>
public sealed record RefreshPolicy
{
    /// <summary>Default refresh rate.</summary>
    public const double DefaultRateHz = 44;

    /// <summary>Ceiling for DMX-bound outputs.</summary>
    public const double MaxDmxRateHz = 44;

    /// <summary>Ceiling for any output.</summary>
    public const double MaxNetworkRateHz = 1000;

    /// <summary>Creates a policy, validating its values.</summary>
    /// <param name="mode">Fixed or change-driven.</param>
    /// <param name="rateHz">Ticks per second (1..44 for DMX-bound outputs).</param>
    /// <param name="keepAlive">In change mode: resend unchanged data after this long (protocol-specific: sACN ~1 s, Art-Net 4 s).</param>
    /// <param name="repeatsAfterChange">In change mode: extra copies sent at the refresh rate after a change (sACN sends 3).</param>
    /// <param name="dmxBound">True when the data ends on a DMX512 line, which caps the rate at 44 Hz.</param>
    public RefreshPolicy(RefreshMode mode = RefreshMode.Fixed, double rateHz = DefaultRateHz, TimeSpan? keepAlive = null, int repeatsAfterChange = 0, bool dmxBound = true)
    {
        double max = dmxBound ? MaxDmxRateHz : MaxNetworkRateHz;
        if (double.IsNaN(rateHz) || rateHz < 1 || rateHz > max)
        {
            throw new ArgumentOutOfRangeException(nameof(rateHz), rateHz, $"Refresh rate must be 1..{max} Hz.");
        }

        TimeSpan ka = keepAlive ?? TimeSpan.FromSeconds(1);
        if (ka <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(keepAlive), ka, "Keep-alive interval must be positive.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(repeatsAfterChange);
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown refresh mode.");
        }

        Mode = mode;
        RateHz = rateHz;
        KeepAlive = ka;
        RepeatsAfterChange = repeatsAfterChange;
        DmxBound = dmxBound;
    }

    /// <summary>The default: fixed 44 Hz, DMX-bound.</summary>
    public static RefreshPolicy Default { get; } = new();

    /// <summary>Fixed or change-driven.</summary>
    public RefreshMode Mode { get; }

    /// <summary>Ticks per second.</summary>
    public double RateHz { get; }

    /// <summary>Change mode: resend unchanged data after this long.</summary>
    public TimeSpan KeepAlive { get; }

    /// <summary>Change mode: extra copies after a change.</summary>
    public int RepeatsAfterChange { get; }

    /// <summary>True when the rate is capped at 44 Hz.</summary>
    public bool DmxBound { get; }

    /// <summary>The period.</summary>
    public TimeSpan Period => TimeSpan.FromTicks((long)Math.Round(TimeSpan.TicksPerSecond / RateHz));

    /// <summary>Parses <c>fixed</c> or <c>change</c> (case-insensitive).</summary>
    public static bool TryParseMode(string? text, out RefreshMode mode) =>
        EnumText.TryParseName(text, RefreshMode.Fixed, out mode);
}
