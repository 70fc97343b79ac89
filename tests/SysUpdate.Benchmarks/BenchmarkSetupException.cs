namespace SysUpdate.Benchmarks;

/// <summary>The benchmark cannot run here (missing executable, too little disk, a failed child): one line for the user.</summary>
internal sealed class BenchmarkSetupException(string message) : Exception(message);
