using Azure;

namespace Mai.Client.Errors;

/// <summary>The service refused the request because its content filter flagged the prompt (<c>error.code</c> <c>"content_filter"</c>).</summary>
/// <remarks>Never retry it: the same prompt is refused again. <see cref="Categories"/> says which filter fired.</remarks>
public sealed class ContentFilterException : MaiServiceException
{
    internal ContentFilterException(Response response, ServiceErrorDetails details, string message)
        : base(response, details, message)
    {
        InnerErrorCode = details.InnerErrorCode;
        Categories = details.ContentFilterResults ?? new Dictionary<string, ContentFilterCategoryResult>();
    }

    /// <summary>Gets the <c>innererror.code</c>, e.g. <c>"ResponsibleAIPolicyViolation"</c>, or <see langword="null"/>.</summary>
    public string? InnerErrorCode { get; }

    /// <summary>Gets the per-category verdicts of <c>innererror.content_filter_result</c> (<c>hate</c>, <c>jailbreak</c>, <c>self_harm</c>, …), keyed by category.</summary>
    public IReadOnlyDictionary<string, ContentFilterCategoryResult> Categories { get; }
}
