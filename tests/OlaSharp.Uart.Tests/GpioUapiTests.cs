// Licensed under the MIT License. See LICENSE in the repository root.
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using OlaSharp.Uart.Gpio;

namespace OlaSharp.Uart.Tests;

/// <summary>
/// The uAPI structs against linux/gpio.h, and <see cref="LinuxGpioChips"/> against the real kernel where it
/// can run here. The expected sizes and offsets were printed by a C program (sizeof/offsetof) from the
/// kernel's header (Linux 6.18 headers, x86_64); they are fixed by the uAPI and the same on arm64.
/// </summary>
public sealed class GpioUapiTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("olas-gpio-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void Structs_SizesAsTheKernelHeader()
    {
        Assert.Equal(68, Unsafe.SizeOf<GpioUapi.ChipInfo>());
        Assert.Equal(16, Unsafe.SizeOf<GpioUapi.LineAttribute>());
        Assert.Equal(24, Unsafe.SizeOf<GpioUapi.LineConfigAttribute>());
        Assert.Equal(272, Unsafe.SizeOf<GpioUapi.LineConfig>());
        Assert.Equal(592, Unsafe.SizeOf<GpioUapi.LineRequest>());
        Assert.Equal(256, Unsafe.SizeOf<GpioUapi.LineInfo>());
        Assert.Equal(16, Unsafe.SizeOf<GpioUapi.LineValues>());

        // Blittable: the marshaller sees the same sizes.
        Assert.Equal(68, Marshal.SizeOf<GpioUapi.ChipInfo>());
        Assert.Equal(592, Marshal.SizeOf<GpioUapi.LineRequest>());
        Assert.Equal(256, Marshal.SizeOf<GpioUapi.LineInfo>());
        Assert.Equal(16, Marshal.SizeOf<GpioUapi.LineValues>());
        Assert.Equal(272, Marshal.SizeOf<GpioUapi.LineConfig>());
    }

    [Fact]
    public void Structs_FieldOffsetsAsTheKernelHeader()
    {
        Assert.Equal(64, (int)Marshal.OffsetOf<GpioUapi.ChipInfo>(nameof(GpioUapi.ChipInfo.Lines)));
        Assert.Equal(32, (int)Marshal.OffsetOf<GpioUapi.LineConfig>(nameof(GpioUapi.LineConfig.Attrs)));
        Assert.Equal(256, (int)Marshal.OffsetOf<GpioUapi.LineRequest>(nameof(GpioUapi.LineRequest.Consumer)));
        Assert.Equal(288, (int)Marshal.OffsetOf<GpioUapi.LineRequest>(nameof(GpioUapi.LineRequest.Config)));
        Assert.Equal(560, (int)Marshal.OffsetOf<GpioUapi.LineRequest>(nameof(GpioUapi.LineRequest.NumLines)));
        Assert.Equal(564, (int)Marshal.OffsetOf<GpioUapi.LineRequest>(nameof(GpioUapi.LineRequest.EventBufferSize)));
        Assert.Equal(588, (int)Marshal.OffsetOf<GpioUapi.LineRequest>(nameof(GpioUapi.LineRequest.Fd)));
        Assert.Equal(32, (int)Marshal.OffsetOf<GpioUapi.LineInfo>(nameof(GpioUapi.LineInfo.Consumer)));
        Assert.Equal(64, (int)Marshal.OffsetOf<GpioUapi.LineInfo>(nameof(GpioUapi.LineInfo.Offset)));
        Assert.Equal(68, (int)Marshal.OffsetOf<GpioUapi.LineInfo>(nameof(GpioUapi.LineInfo.NumAttrs)));
        Assert.Equal(72, (int)Marshal.OffsetOf<GpioUapi.LineInfo>(nameof(GpioUapi.LineInfo.Flags)));
        Assert.Equal(80, (int)Marshal.OffsetOf<GpioUapi.LineInfo>(nameof(GpioUapi.LineInfo.Attrs)));
    }

    [Fact]
    public void IoctlNumbers_AreTheIocEncodingOfTheStructSizes()
    {
        // _IOC_READ = 2, _IOC_WRITE = 1 (asm-generic/ioctl.h, used by arm64 and x86_64).
        Assert.Equal(GpioUapi.GetChipInfoIoctl, GpioUapi.Ioc(2, 0x01, Unsafe.SizeOf<GpioUapi.ChipInfo>()));
        Assert.Equal(GpioUapi.GetLineInfoIoctl, GpioUapi.Ioc(3, 0x05, Unsafe.SizeOf<GpioUapi.LineInfo>()));
        Assert.Equal(GpioUapi.GetLineIoctl, GpioUapi.Ioc(3, 0x07, Unsafe.SizeOf<GpioUapi.LineRequest>()));
        Assert.Equal(GpioUapi.LineSetValuesIoctl, GpioUapi.Ioc(3, 0x0F, Unsafe.SizeOf<GpioUapi.LineValues>()));

        // The values the C program printed from the header.
        Assert.Equal(0x8044B401u, GpioUapi.GetChipInfoIoctl);
        Assert.Equal(0xC100B405u, GpioUapi.GetLineInfoIoctl);
        Assert.Equal(0xC250B407u, GpioUapi.GetLineIoctl);
        Assert.Equal(0xC010B40Fu, GpioUapi.LineSetValuesIoctl);
    }

    [Fact]
    public unsafe void NameFields_RoundTripAndCutToFit()
    {
        GpioUapi.LineRequest request = default;
        GpioUapi.SetText(request.Consumer, GpioUapi.MaxNameSize, "olasharpd");
        Assert.Equal("olasharpd", GpioUapi.Text(request.Consumer, GpioUapi.MaxNameSize));
        GpioUapi.SetText(request.Consumer, GpioUapi.MaxNameSize, new string('c', 40));
        Assert.Equal(new string('c', 31), GpioUapi.Text(request.Consumer, GpioUapi.MaxNameSize));
        Assert.Equal(0, request.Consumer[31]);
    }

    [Fact]
    public void Assembly_NoLibgpiodAndNoSystemDeviceGpio()
    {
        // Works where only libgpiod 3, or no libgpiod at all, is installed: every P/Invoke goes to libc.
        Assembly uart = typeof(DriverEnableLine).Assembly;
        Assert.DoesNotContain(uart.GetReferencedAssemblies(), a => a.Name!.StartsWith("System.Device.Gpio", StringComparison.Ordinal));
        var libraries = new HashSet<string>();
        foreach (Type type in uart.GetTypes())
        {
            foreach (MethodInfo method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            {
                if (method.GetCustomAttribute<DllImportAttribute>() is { } import)
                {
                    libraries.Add(import.Value);
                }
            }
        }

        Assert.Equal(["libc"], libraries);
    }

    [Fact]
    public void ChipPaths_NumberOrderAndSymlinksToListedNodesSkipped()
    {
        foreach (string name in new[] { "gpiochip10", "gpiochip0", "gpiochip2", "gpiochipX", "gpiomem" })
        {
            File.WriteAllText(Path.Combine(_dir, name), string.Empty);
        }

        // The Pi 5's compatibility link (gpiochip4 -> gpiochip0) and a link to something not listed.
        File.CreateSymbolicLink(Path.Combine(_dir, "gpiochip4"), Path.Combine(_dir, "gpiochip0"));
        File.CreateSymbolicLink(Path.Combine(_dir, "gpiochip7"), "/dev/null");

        var chips = new LinuxGpioChips(_dir);
        Assert.Equal(
            [Path.Combine(_dir, "gpiochip0"), Path.Combine(_dir, "gpiochip2"), Path.Combine(_dir, "gpiochip7"), Path.Combine(_dir, "gpiochip10")],
            chips.ChipPaths());
    }

    [Fact]
    public void ChipPaths_NoNodes_Empty()
    {
        Assert.Empty(new LinuxGpioChips(_dir).ChipPaths());
        Assert.Empty(new LinuxGpioChips(Path.Combine(_dir, "missing")).ChipPaths());
    }

    [Fact]
    public void TryOpen_RealKernel_ErrnoForMissingNodeAndForANonChip()
    {
        // The real open + GPIO_GET_CHIPINFO_IOCTL path: a file that is not a GPIO chip answers ENOTTY and is closed.
        Assert.Equal(2, LinuxGpioChips.Instance.TryOpen(Path.Combine(_dir, "gpiochip0"), out IGpioChip? none));
        Assert.Null(none);
        Assert.Equal(25, LinuxGpioChips.Instance.TryOpen("/dev/null", out IGpioChip? notChip));
        Assert.Null(notChip);
    }

    [Fact]
    public void NodeGroup_RealStatx_NamesTheOwningGroup()
    {
        // /dev/null is root:root on every Linux.
        Assert.Equal("root", LinuxGpioChips.Instance.NodeGroup("/dev/null"));
        Assert.Null(LinuxGpioChips.Instance.NodeGroup(Path.Combine(_dir, "missing")));
    }

    [Fact]
    public void Open_ThisMachineWithoutGpio_SaysSoWithTheFix()
    {
        // Runs against the real /dev: this CI machine (a VM without CONFIG_GPIOLIB) has no chips. On a machine
        // with chips the same call must name them instead, so the test checks whichever is true.
        IReadOnlyList<string> nodes = LinuxGpioChips.Instance.ChipPaths();
        DriverEnableException? ex = null;
        try
        {
            using DriverEnableLine de = DriverEnableLine.Open(LinuxGpioChips.Instance, 1000, true, "no-such-label-olasharp");
        }
        catch (DriverEnableException e)
        {
            ex = e;
        }

        Assert.NotNull(ex);
        if (nodes.Count == 0)
        {
            Assert.Equal(DriverEnableFailure.NoGpio, ex.Failure);
            Assert.StartsWith("no GPIO character device (/dev/gpiochip*)", ex.Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains(ex.Failure, new[] { DriverEnableFailure.NoChip, DriverEnableFailure.PermissionDenied });
        }
    }
}
