namespace SysUpdate.Core.Disk;

/// <summary>A disk carries no GPT, or its partition table is corrupt beyond what the backup can repair.</summary>
internal sealed class GptFormatException : SysUpdateException
{
    public GptFormatException(string message) : base(message) { }

    public GptFormatException(string message, Exception? innerException) : base(message, innerException) { }
}
