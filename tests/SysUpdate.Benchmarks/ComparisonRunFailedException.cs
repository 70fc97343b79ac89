namespace SysUpdate.Benchmarks;

/// <summary>One tool failed a run of a comparison case (non-zero exit, or the target does not hold the payload
/// afterwards): the case is aborted and reported as failed, never as a time.</summary>
internal sealed class ComparisonRunFailedException(string message) : Exception(message);
