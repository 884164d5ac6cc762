using Mai.Console.Tests.TestSupport;

namespace Mai.Console.Tests.Info;

public class InfoTransportTests
{
    [Theory]
    [InlineData(new string[0], "transport       AzureInference (default; --transport openai-v1 for the OpenAI SDK)")]
    [InlineData(new[] { "--transport", "openai-v1" }, "transport       OpenAIV1 (from --transport)")]
    public async Task Run_Info_ShowsTheTransport(string[] flags, string expected)
    {
        var (code, stdout, stderr) = await Cli.RunAsync(["info", .. flags]);

        Assert.True(code == 0, stderr);
        Assert.Contains(expected, stdout.Split('\n').Select(l => l.TrimEnd()));
    }
}
