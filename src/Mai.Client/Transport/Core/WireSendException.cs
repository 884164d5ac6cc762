namespace Mai.Client.Transport;

/// <summary>
/// How an <see cref="IChatSender"/> reports that a send failed at the network level, for <see cref="ChatTransportCore"/> to turn into the
/// typed <c>MaiServiceException</c> (code <c>connection_failure</c>): no response arrived (<see cref="Response"/> is
/// <see langword="null"/>), or the body of a buffered response broke after its status and headers arrived.
/// </summary>
/// <remarks>Never leaves the transport: the core always replaces it.</remarks>
internal sealed class WireSendException : Exception
{
    public WireSendException(Azure.Response? response, string? clientRequestId, Exception innerException)
        : base(innerException.Message, innerException)
    {
        Response = response is null ? null : new SyntheticResponse(response);
        ClientRequestId = string.IsNullOrEmpty(clientRequestId) ? null : clientRequestId;
    }

    /// <summary>Gets the status and headers that arrived before the body broke (copied), or <see langword="null"/> when no response arrived.</summary>
    public Azure.Response? Response { get; }

    /// <summary>Gets the request id the client sent (<c>x-ms-client-request-id</c>), quoted when no response names one.</summary>
    public string? ClientRequestId { get; }
}
