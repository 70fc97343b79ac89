using SysUpdate.Core.Pipeline;

namespace SysUpdate.Cli.Jobs;

/// <summary>Hands each progress report to several listeners (the job's record and the caller's display or replies).</summary>
internal sealed class ProgressTee(params IProgress<TransferProgress>?[] listeners) : IProgress<TransferProgress>
{
    public void Report(TransferProgress value)
    {
        foreach (var listener in listeners)
            listener?.Report(value);
    }
}
