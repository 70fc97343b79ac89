using SysUpdate.Varlink.Protocol;

namespace SysUpdate.Varlink.Tests.Protocol;

/// <summary>Field 22 of /proc/PID/stat, counted after the command name, which may hold spaces and parentheses.</summary>
public sealed class ProcessStartTimeTests
{
    [Theory]
    [InlineData("1234 (bash) S 1 1234 1234 34816 1234 4194560 1000 0 0 0 1 2 0 0 20 0 1 0 987654 10000000 500", 987654UL)]
    [InlineData("1234 (a) b (c) S 1 1234 1234 34816 1234 4194560 1000 0 0 0 1 2 0 0 20 0 1 0 42 10000000 500\n", 42UL)]
    [InlineData("1234 (x)) S 1 1234 1234 34816 1234 4194560 1000 0 0 0 1 2 0 0 20 0 1 0 7 10000000", 7UL)]
    public void TryParse_StatLine_StartTime(string stat, ulong expected) =>
        Assert.Equal(expected, ProcessStartTime.TryParse(stat));

    [Theory]
    [InlineData("1234 bash S 1 2 3")]
    [InlineData("1234 (bash) S 1 1234 1234 34816 1234 4194560 1000 0 0 0 1 2 0 0 20 0 1 0")]
    [InlineData("1234 (bash) S 1 1234 1234 34816 1234 4194560 1000 0 0 0 1 2 0 0 20 0 1 0 -5 1")]
    public void TryParse_Malformed_Null(string stat) =>
        Assert.Null(ProcessStartTime.TryParse(stat));

    [Fact]
    public void TryRead_ThisProcess_MatchesItsStatFile()
    {
        int pid = Environment.ProcessId;
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string field22 = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19];

        Assert.Equal(ulong.Parse(field22, System.Globalization.CultureInfo.InvariantCulture), ProcessStartTime.TryRead(pid));
    }
}
