using System.ClientModel.Primitives;
using System.Diagnostics.CodeAnalysis;
using Azure.Core;

namespace Mai.Client.Transport;

/// <summary>
/// Shows a System.ClientModel <see cref="PipelineResponse"/> as an Azure.Core <see cref="Azure.Response"/>, so the OpenAI v1
/// transport reuses the response parsers, the SSE reader and the error model (<c>MaiServiceException</c> derives from
/// <see cref="Azure.RequestFailedException"/>, whose raw response is an Azure <see cref="Azure.Response"/>) of the Azure transport.
/// </summary>
/// <remarks>
/// Status, reason, headers and the content stream are the wrapped response's own (setting <see cref="ContentStream"/> sets it
/// there too); disposing the adapter disposes the wrapped response, which aborts a pending read of an unbuffered body.
/// A buffered body is captured at construction, so <see cref="Content"/> stays readable after the response is disposed.
/// </remarks>
internal sealed class PipelineResponseAdapter : Azure.Response
{
    private readonly BinaryData? _bufferedContent;

    /// <summary>Wraps a response whose body is still a network stream (a stream being read).</summary>
    public PipelineResponseAdapter(PipelineResponse response, string? clientRequestId)
        : this(response, clientRequestId, null)
    {
    }

    /// <summary>Wraps a response whose body has been read into <paramref name="bufferedContent"/>.</summary>
    public PipelineResponseAdapter(PipelineResponse response, string? clientRequestId, BinaryData? bufferedContent)
    {
        Inner = response;
        ClientRequestId = clientRequestId ?? string.Empty;
        _bufferedContent = bufferedContent;
    }

    /// <summary>Gets the System.ClientModel response this adapter shows.</summary>
    public PipelineResponse Inner { get; }

    public override int Status => Inner.Status;

    public override string ReasonPhrase => Inner.ReasonPhrase;

    public override Stream? ContentStream
    {
        get => Inner.ContentStream;
        set => Inner.ContentStream = value;
    }

    public override string ClientRequestId { get; set; }

    /// <summary>Gets the body captured at construction, else the body of a buffered (<see cref="MemoryStream"/>) content stream.</summary>
    /// <exception cref="InvalidOperationException">The body is an unread network stream.</exception>
    public override BinaryData Content => _bufferedContent ?? base.Content;

    public override void Dispose() => Inner.Dispose();

    protected override bool ContainsHeader(string name) => Inner.Headers.TryGetValue(name, out _);

    protected override IEnumerable<HttpHeader> EnumerateHeaders() => Inner.Headers.Select(static h => new HttpHeader(h.Key, h.Value));

    protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value) => Inner.Headers.TryGetValue(name, out value);

    protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values) => Inner.Headers.TryGetValues(name, out values);
}
