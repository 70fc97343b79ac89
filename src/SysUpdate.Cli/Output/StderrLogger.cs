using Microsoft.Extensions.Logging;

namespace SysUpdate.Cli.Output;

/// <summary>
/// Log output as systemd tools print it: the bare message on stderr, one line each. The threshold
/// follows <c>SYSTEMD_LOG_LEVEL</c> (debug, info, notice, warning, err, or 0–7); default info.
/// </summary>
internal sealed class StderrLogger(TextWriter error, LogLevel minimum) : ILogger
{
    public static LogLevel LevelFromEnvironment(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "debug" or "7" => LogLevel.Debug,
        "info" or "6" or "notice" or "5" => LogLevel.Information,
        "warning" or "4" => LogLevel.Warning,
        "err" or "error" or "3" => LogLevel.Error,
        "crit" or "alert" or "emerg" or "2" or "1" or "0" => LogLevel.Critical,
        _ => LogLevel.Information,
    };

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
            return;
        lock (error)
            error.WriteLine(formatter(state, exception));
    }
}
