using System.Globalization;

namespace SysUpdate.Benchmarks;

/// <summary><c>--name value</c> pairs after the mode.</summary>
internal sealed class BenchmarkArguments
{
    private readonly Dictionary<string, string> _values;

    private BenchmarkArguments(Dictionary<string, string> values) => _values = values;

    public static BenchmarkArguments Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
                throw new BenchmarkSetupException($"unexpected argument '{arg}'");
            int eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
                values[arg[2..eq]] = arg[(eq + 1)..];
            else if (i + 1 < args.Length)
                values[arg[2..]] = args[++i];
            else
                throw new BenchmarkSetupException($"{arg} needs a value");
        }
        return new BenchmarkArguments(values);
    }

    public string Get(string name, string fallback) => _values.TryGetValue(name, out var v) ? v : fallback;

    public int GetInt(string name, int fallback) =>
        _values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public double GetDouble(string name, double fallback) =>
        _values.TryGetValue(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
}
