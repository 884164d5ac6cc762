namespace Mai.Emulator;

/// <summary>Simulated prompt caching: the longest token prefix shared with an earlier prompt, in 128-token blocks, for prompts of 1024+ tokens.</summary>
internal sealed class PromptCache
{
    public const int MinimumPromptTokens = 1024;
    public const int BlockSize = 128;
    private const int Capacity = 256;

    private readonly List<int[]> _seen = [];
    private readonly Lock _lock = new();

    public int Lookup(ChatRequest request, int promptTokens)
    {
        var text = string.Concat(request.Messages.Select(m => m.Role + "\n" + m.Content + "\n"));
        var ids = EmulatorTokenizer.Instance.EncodeToIds(text).ToArray();
        var longest = 0;
        lock (_lock)
        {
            foreach (var previous in _seen)
            {
                longest = Math.Max(longest, ids.AsSpan().CommonPrefixLength(previous));
            }

            if (_seen.Count == Capacity)
            {
                _seen.RemoveAt(0);
            }

            _seen.Add(ids);
        }

        if (promptTokens < MinimumPromptTokens)
        {
            return 0;
        }

        return Math.Min(longest, promptTokens) / BlockSize * BlockSize;
    }
}
