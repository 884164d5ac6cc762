using Mai.Console.Chat;
using Mai.Console.Infrastructure;
using Spectre.Console.Cli;

namespace Mai.Console.Commands;

/// <summary><c>mai chat</c>: a conversation read from stdin (typed or piped), answers streamed, history kept within the context window.</summary>
internal sealed class ChatCommand(CliEnvironment environment) : AsyncCommand<ChatSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ChatSettings settings, CancellationToken cancellationToken)
    {
        await using var factory = new ClientFactory(environment, "chat");
        try
        {
            using var session = new ChatSession(environment, factory, settings);
            return await session.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await environment.Error.WriteLineAsync(ErrorReporter.Describe(ex)).ConfigureAwait(false);
            return ErrorReporter.ExitCode(ex);
        }
    }
}
