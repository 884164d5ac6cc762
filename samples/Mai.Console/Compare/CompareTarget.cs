using Mai.Client;

namespace Mai.Console.Compare;

/// <summary>One model under comparison: its name as shown, whether it is emulated, and the client that calls it.</summary>
internal sealed record CompareTarget(string Model, bool Emulated, MaiClient Client);
