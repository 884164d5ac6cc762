namespace Mai.Console.Usage;

/// <summary>How <c>mai usage</c> groups its rows.</summary>
internal enum UsageGrouping
{
    Model,
    Day,
    Month,
}
