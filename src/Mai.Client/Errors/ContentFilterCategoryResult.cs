namespace Mai.Client.Errors;

/// <summary>The content filter's verdict on one category (for example <c>self_harm</c> or <c>jailbreak</c>).</summary>
/// <param name="Filtered">Whether this category caused the content to be filtered.</param>
/// <param name="Severity">The severity (<c>safe</c>, <c>low</c>, <c>medium</c>, <c>high</c>), or <see langword="null"/> for detection-only categories.</param>
/// <param name="Detected">Whether the category was detected (jailbreak, protected material), or <see langword="null"/> for severity categories.</param>
public sealed record ContentFilterCategoryResult(bool Filtered, string? Severity, bool? Detected);
