namespace Mai.Emulator;

/// <summary>A request the emulator rejects with 400 <c>invalid_request_error</c>.</summary>
internal sealed class RequestValidationException(string? param, string message) : Exception(message)
{
    public string? Param { get; } = param;
}
