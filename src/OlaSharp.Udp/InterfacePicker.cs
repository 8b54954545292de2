// Licensed under the MIT License. See LICENSE in the repository root.
using System.Net.NetworkInformation;

namespace OlaSharp.Udp;

/// <summary>An IPv4 interface a plugin can bind to.</summary>
public sealed record InterfaceChoice(string Name, IPAddress Address, IPAddress Broadcast, byte[] Mac, bool IsLoopback);

/// <summary>
/// olad's interface choice (InterfacePicker): the conf's <c>ip</c> may be an IPv4 address or an interface
/// name; if empty or not found, the first non-loopback interface is used. Loopback interfaces are
/// candidates only with <c>use_loopback</c>. On loopback we broadcast to the interface's own address,
/// so nothing leaves the host.
/// </summary>
public static class InterfacePicker
{
    public static IReadOnlyList<InterfaceChoice> List(bool includeLoopback)
    {
        var list = new List<InterfaceChoice>();
        foreach (NetworkInterface nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            bool loopback = nic.NetworkInterfaceType == NetworkInterfaceType.Loopback;
            if ((loopback && !includeLoopback) || nic.OperationalStatus is OperationalStatus.Down)
            {
                continue;
            }

            foreach (UnicastIPAddressInformation a in nic.GetIPProperties().UnicastAddresses)
            {
                if (a.Address.AddressFamily != AddressFamily.InterNetwork)
                {
                    continue;
                }

                bool isLoop = loopback || IPAddress.IsLoopback(a.Address);
                if (isLoop && !includeLoopback)
                {
                    continue;
                }

                list.Add(new InterfaceChoice(nic.Name, a.Address, isLoop ? a.Address : DirectedBroadcast(a.Address, a.IPv4Mask), Mac(nic), isLoop));
            }
        }

        return list;
    }

    /// <summary>Picks per <paramref name="ip"/> (address or name); null when no candidate exists.</summary>
    public static InterfaceChoice? Pick(string? ip, bool useLoopback)
    {
        IReadOnlyList<InterfaceChoice> all = List(useLoopback);
        if (!string.IsNullOrWhiteSpace(ip))
        {
            string wanted = ip.Trim();
            foreach (InterfaceChoice c in all)
            {
                if (c.Address.ToString() == wanted || c.Name == wanted)
                {
                    return c;
                }
            }
        }

        foreach (InterfaceChoice c in all)
        {
            if (!c.IsLoopback)
            {
                return c;
            }
        }

        return all.Count > 0 ? all[0] : null;
    }

    public static IPAddress DirectedBroadcast(IPAddress address, IPAddress? mask)
    {
        byte[] a = address.GetAddressBytes();
        byte[] m = mask?.GetAddressBytes() ?? [255, 255, 255, 0];
        for (int i = 0; i < 4; i++)
        {
            a[i] = (byte)(a[i] | ~m[i]);
        }

        return new IPAddress(a);
    }

    private static byte[] Mac(NetworkInterface nic)
    {
        byte[] mac = nic.GetPhysicalAddress().GetAddressBytes();
        return mac.Length == 6 ? mac : new byte[6];
    }
}
