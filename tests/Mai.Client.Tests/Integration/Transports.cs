using Mai.Emulator;

namespace Mai.Client.Tests.Integration;

/// <summary>The transports the integration suites run against (<see cref="MaiClientOptions.Transport"/>).</summary>
public enum TransportKind
{
    /// <summary>Azure.AI.Inference (<see cref="MaiTransport.AzureInference"/>) against the emulator's <c>/models</c> route.</summary>
    AzureInference,

    /// <summary>The OpenAI SDK (<see cref="MaiTransport.OpenAIV1"/>) against the emulator's <c>/openai/v1</c> route.</summary>
    OpenAIV1,
}

/// <summary>
/// How each transport is pointed at an emulator. ADDING A TRANSPORT (e.g. the OpenAI v1 one): add its <see cref="TransportKind"/>
/// member, then one line to <see cref="Setups"/>, e.g.
/// <c>[TransportKind.OpenAI] = (o, emu) => { o.Transport = MaiTransport.OpenAI; o.Endpoint = new Uri(emu.Endpoint, "/openai/v1"); },</c>;
/// every test of TransportConformanceTests then runs against it too.
/// </summary>
internal static class Transports
{
    private static readonly Dictionary<TransportKind, Action<MaiClientOptions, MaiEmulator>> Setups = new()
    {
        [TransportKind.AzureInference] = (o, emu) => { o.Transport = MaiTransport.AzureInference; o.Endpoint = new Uri(emu.Endpoint, "/models"); },
        [TransportKind.OpenAIV1] = (o, emu) => { o.Transport = MaiTransport.OpenAIV1; o.Endpoint = new Uri(emu.Endpoint, "/openai/v1"); },
    };

    /// <summary>Gets every transport under test.</summary>
    public static IReadOnlyCollection<TransportKind> All => Setups.Keys;

    /// <summary>Gets every transport, for <c>[MemberData]</c>.</summary>
    public static TheoryData<TransportKind> Kinds => [.. All];

    public static void Configure(TransportKind kind, MaiClientOptions options, MaiEmulator emu) => Setups[kind](options, emu);
}
