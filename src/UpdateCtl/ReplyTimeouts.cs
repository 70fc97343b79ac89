namespace UpdateCtl;

/// <summary>
/// How long updatectl waits for the service: for the reply of a one-shot call, and between two replies of a
/// streamed <c>Update</c> (progress comes at least every few seconds while bytes flow, but verifying and
/// installing a large image can be quiet for minutes).
/// </summary>
internal sealed record ReplyTimeouts(TimeSpan Call, TimeSpan BetweenProgress)
{
    /// <summary>sd-varlink's default method call timeout.</summary>
    public static readonly TimeSpan DefaultCall = TimeSpan.FromSeconds(45);

    public static readonly TimeSpan DefaultBetweenProgress = TimeSpan.FromMinutes(10);

    public static ReplyTimeouts Default { get; } = new(DefaultCall, DefaultBetweenProgress);

    /// <summary><c>--timeout=SEC</c>: both waits; 0 or <c>infinity</c> waits forever.</summary>
    /// <exception cref="UsageException">Not a number of seconds.</exception>
    public static ReplyTimeouts Parse(string? text)
    {
        if (text is null)
            return Default;
        if (text is "infinity" or "0")
            return new(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (!double.TryParse(text, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out double seconds)
            || seconds <= 0 || seconds > int.MaxValue / 1000)
            throw new UsageException($"--timeout={text}: expected seconds (a positive number), 0 or 'infinity'.");
        TimeSpan timeout = TimeSpan.FromSeconds(seconds);
        return new(timeout, timeout);
    }
}
