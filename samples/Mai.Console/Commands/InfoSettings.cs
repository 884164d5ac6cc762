namespace Mai.Console.Commands;

/// <summary>Flags of <c>mai info</c>: the connection flags, nothing more.</summary>
internal sealed class InfoSettings : ConnectionSettings
{
}
