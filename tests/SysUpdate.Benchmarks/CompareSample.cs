namespace SysUpdate.Benchmarks;

/// <summary>One run of a comparison case: the reference's and our result, and which of them went first.</summary>
internal sealed record CompareSample(int Run, bool ReferenceFirst, TreeRunResult Reference, TreeRunResult Ours)
{
    /// <summary>Reference time over our time: above 1 means ours was faster.</summary>
    public double Ratio => Reference.Seconds / Ours.Seconds;
}
