namespace SysUpdate.Benchmarks;

/// <summary>A comparison case's runs (all that completed) and, if one failed, why the case was aborted.</summary>
internal sealed record CaseResult(string Name, string Detail, IReadOnlyList<CompareSample> Samples, string? Failure);
