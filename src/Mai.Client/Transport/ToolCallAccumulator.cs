using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Mai.Client.Transport;

/// <summary>
/// Reassembles streamed tool-call fragments into complete calls. A fragment joins the call with the same <c>index</c>; without an
/// index (Mistral sends whole calls with neither index nor type) it joins the call with the same <c>id</c>, and a fragment with
/// neither joins the last call seen. A fragment whose index is reused with a new id starts a new call.
/// </summary>
internal sealed class ToolCallAccumulator
{
    private readonly List<PendingCall> _calls = [];

    public bool HasPending => _calls.Count > 0;

    public void Add(in ToolCallFragment fragment)
    {
        var call = Find(fragment);
        if (call is null)
        {
            call = new PendingCall { Index = fragment.Index, Id = fragment.Id };
            _calls.Add(call);
        }

        call.Id ??= fragment.Id;
        if (fragment.Name is not null)
        {
            call.Name = fragment.Name;
        }

        if (!string.IsNullOrEmpty(fragment.Arguments))
        {
            call.Arguments.Append(fragment.Arguments);
        }
    }

    /// <summary>Moves every pending call, as a complete <see cref="FunctionCallContent"/>, into <paramref name="contents"/>.</summary>
    public void Flush(IList<AIContent> contents)
    {
        foreach (var call in _calls)
        {
            contents.Add(CreateCall(call.Id, call.Name, call.Arguments.ToString()));
        }

        _calls.Clear();
    }

    /// <summary>Builds a call from its parts; the arguments are parsed as JSON (a parse failure lands on <see cref="FunctionCallContent.Exception"/>).</summary>
    public static FunctionCallContent CreateCall(string? id, string? name, string? arguments)
    {
        var callId = id ?? string.Empty;
        var functionName = name ?? string.Empty;
        if (string.IsNullOrWhiteSpace(arguments))
        {
            return new FunctionCallContent(callId, functionName, new Dictionary<string, object?>());
        }

        return FunctionCallContent.CreateFromParsedArguments(arguments, callId, functionName, static json =>
            (IDictionary<string, object?>?)JsonSerializer.Deserialize(json, JsonValueWriter.TypeInfo(typeof(IDictionary<string, object?>))));
    }

    private PendingCall? Find(in ToolCallFragment fragment)
    {
        if (_calls.Count == 0)
        {
            return null;
        }

        if (fragment.Index is int index)
        {
            for (var i = _calls.Count - 1; i >= 0; i--)
            {
                var call = _calls[i];
                if (call.Index == index)
                {
                    // Same index, new id: the server numbers every call 0 (seen on some OpenAI-compatible proxies).
                    return fragment.Id is not null && call.Id is not null && fragment.Id != call.Id ? null : call;
                }
            }

            return null;
        }

        if (fragment.Id is not null)
        {
            foreach (var call in _calls)
            {
                if (call.Id == fragment.Id)
                {
                    return call;
                }
            }

            return null;
        }

        return _calls[^1];
    }

    private sealed class PendingCall
    {
        public int? Index { get; init; }

        public string? Id { get; set; }

        public string? Name { get; set; }

        public StringBuilder Arguments { get; } = new();
    }
}
