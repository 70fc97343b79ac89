using Microsoft.Extensions.Logging;

namespace SysUpdate.Core.Tests.Manifests;

/// <summary>Collects formatted log messages with their level.</summary>
internal sealed class ListLogger : ILogger
{
    public List<(LogLevel Level, string Message)> Messages { get; } = [];

    public IEnumerable<string> Warnings => Messages.Where(m => m.Level == LogLevel.Warning).Select(m => m.Message);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Messages.Add((logLevel, formatter(state, exception)));
}
