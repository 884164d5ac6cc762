using Mai.Console.Tests.TestSupport;

namespace Mai.Console.Tests;

public class HelpTests
{
    [Theory]
    [InlineData("ask")]
    [InlineData("chat")]
    [InlineData("compare")]
    [InlineData("usage")]
    [InlineData("info")]
    public async Task Help_EachCommand_RendersItsOptionsWithoutMarkupErrors(string command)
    {
        var (code, _, stderr) = await Cli.RunAsync([command, "--help"]);

        Assert.Equal(0, code);
        Assert.DoesNotContain("Could not find color or style", stderr);
        Assert.Contains("OPTIONS:", stderr);
    }

    [Fact]
    public async Task Help_Root_ListsEveryCommand()
    {
        var (code, _, stderr) = await Cli.RunAsync(["--help"]);

        Assert.Equal(0, code);
        foreach (var command in (string[])["ask ", "chat", "compare", "usage", "info"])
        {
            Assert.Contains("    " + command, stderr);
        }
    }
}
