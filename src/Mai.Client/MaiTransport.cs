namespace Mai.Client;

/// <summary>The HTTP transport at the bottom of the pipeline.</summary>
public enum MaiTransport
{
    /// <summary>Azure.AI.Inference's <c>ChatCompletionsClient</c> pipeline, with the responses read by Mai.Client (the default).</summary>
    AzureInference = 0,
}
