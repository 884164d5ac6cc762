namespace Mai.Client.Errors;

/// <summary>What an error body, error event and headers say about a failure (parsed once, then handed to the exception).</summary>
internal sealed class ServiceErrorDetails
{
    public string? Code { get; set; }

    public string? Message { get; set; }

    public string? Param { get; set; }

    /// <summary>Gets or sets the error object's <c>type</c> (e.g. <c>rate_limit_error</c>, <c>overloaded_error</c>).</summary>
    public string? Type { get; set; }

    /// <summary>Gets or sets the error object's own <c>status</c> number, which an error event inside a 200 stream may carry.</summary>
    public int? Status { get; set; }

    public string? InnerErrorCode { get; set; }

    public Dictionary<string, ContentFilterCategoryResult>? ContentFilterResults { get; set; }

    public string? RequestId { get; set; }

    public TimeSpan? RetryAfter { get; set; }

    /// <summary>Gets or sets what the <c>x-should-retry</c> header says (the Messages API's explicit verdict), if it was sent.</summary>
    public bool? ShouldRetry { get; set; }

    public Microsoft.Extensions.AI.UsageDetails? Usage { get; set; }
}
