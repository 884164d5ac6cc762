using Microsoft.Extensions.AI;

namespace Mai.Client.Tests.Resilience;

/// <summary>Attaches a fresh <see cref="MaiCallContext"/> to a call, the one channel its attempts are reported on.</summary>
internal static class Observe
{
    public static ChatOptions With(out MaiCallContext context)
    {
        context = new MaiCallContext();
        return MaiCallContext.Attach(null, context);
    }
}
