// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core;

namespace OlaSharp.Tests.Shared;

/// <summary>
/// Checks that an input port updates its universe outside its own lock: a <see cref="Universe.Updated"/>
/// handler (run on the receiving thread) takes a lock that another thread holds while it asks the port
/// something under the port's lock. Under the port's lock that is a deadlock, bounded here by timeouts so a
/// failing run ends. Linked into the Art-Net and sACN test projects.
/// </summary>
internal static class UpdatedHandlerProbe
{
    /// <summary>Runs <paramref name="receive"/>; true when the handler got the lock held by the thread running <paramref name="askPort"/>.</summary>
    public static bool HandlerGetsLockHeldByPortCaller(Universe universe, Action receive, Action askPort)
    {
        object other = new();
        using var inHandler = new ManualResetEventSlim();
        using var otherHoldsLock = new ManualResetEventSlim();
        bool handlerGotLock = false;
        void OnUpdated(Universe u, bool changed)
        {
            if (inHandler.IsSet)
            {
                return;
            }

            inHandler.Set();
            otherHoldsLock.Wait(TimeSpan.FromSeconds(10));
            handlerGotLock = Monitor.TryEnter(other, TimeSpan.FromSeconds(3));
            if (handlerGotLock)
            {
                Monitor.Exit(other);
            }
        }

        universe.Updated += OnUpdated;
        var asker = new Thread(() =>
        {
            inHandler.Wait(TimeSpan.FromSeconds(10));
            lock (other)
            {
                otherHoldsLock.Set();
                askPort();
            }
        });
        asker.Start();
        try
        {
            receive();
            Assert.True(asker.Join(TimeSpan.FromSeconds(10)), "the asking thread did not finish");
        }
        finally
        {
            universe.Updated -= OnUpdated;
        }

        return handlerGotLock;
    }
}
