using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using SysUpdate.Core.Faults;

namespace SysUpdate.CrashHost;

/// <summary>
/// SIGKILLs this process at the first armed <see cref="CrashStep"/> it reaches, as a power loss would stop
/// it: no finally blocks, no flush. <see cref="CrashStep.MidPayload"/> stops half-way through the payload
/// (1 MiB in when its size is not known in advance).
/// </summary>
internal sealed class SelfKillingFaultInjector(IReadOnlySet<CrashStep> armed) : IFaultInjector
{
    private const long UnknownLengthThreshold = 1024 * 1024;

    public void Reached(CrashStep step)
    {
        if (armed.Contains(step))
            Kill(step);
    }

    public Stream WrapPayload(Stream payload, long? expectedLength) =>
        armed.Contains(CrashStep.MidPayload)
            ? new CrashAfterBytesStream(payload, expectedLength is { } n ? Math.Max(1, n / 2) : UnknownLengthThreshold, () => Kill(CrashStep.MidPayload))
            : payload;

    [DoesNotReturn]
    private static void Kill(CrashStep step)
    {
        using (var self = Process.GetCurrentProcess())
            self.Kill();
        Environment.FailFast($"crash step {step}: SIGKILL did not stop the process");
    }
}
