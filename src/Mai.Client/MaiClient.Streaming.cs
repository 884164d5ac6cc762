using System.Text;
using Microsoft.Extensions.AI;

namespace Mai.Client;

/// <content>The streamed result: built as the updates arrive, so a long stream does not keep every update alive.</content>
public sealed partial class MaiClient
{
    /// <summary>
    /// Builds the <see cref="ChatResponse"/> that <c>ToChatResponse()</c> would build from the same updates (message boundaries,
    /// metadata, usage summed, consecutive text and reasoning coalesced), update by update: runs of text are appended to a
    /// <see cref="StringBuilder"/> instead of keeping each update and content object until the end.
    /// </summary>
    /// <remarks>Not thread-safe: one instance per stream.</remarks>
    internal sealed class StreamedResponseBuilder
    {
        private readonly ChatResponse _response = new();
        private readonly StringBuilder _run = new();
        private ChatMessage? _message;
        private AIContent? _runFirst;
        private AIContent? _runLast;
        private int _runCount;

        /// <summary>Adds one update, as <c>ToChatResponse()</c> processes it.</summary>
        public void Add(ChatResponseUpdate update)
        {
            var message = _message;
            if (message is null
                || NotEmptyOrEqual(update.AuthorName, message.AuthorName)
                || NotEmptyOrEqual(update.MessageId, message.MessageId)
                || (update.Role is { } r1 && message.Role != r1))
            {
                FlushRun();
                message = new ChatMessage(ChatRole.Assistant, []);
                _response.Messages.Add(message);
                _message = message;
            }

            if (update.AuthorName is not null)
            {
                message.AuthorName = update.AuthorName;
            }

            if (message.CreatedAt is null || (update.CreatedAt is not null && update.CreatedAt > message.CreatedAt))
            {
                message.CreatedAt = update.CreatedAt;
            }

            if (update.Role is { } role)
            {
                message.Role = role;
            }

            if (update.MessageId is { Length: > 0 })
            {
                message.MessageId = update.MessageId;
            }

            if (update.AdditionalProperties is not null)
            {
                if (message.AdditionalProperties is null)
                {
                    message.AdditionalProperties = new(update.AdditionalProperties);
                }
                else
                {
                    foreach (var property in update.AdditionalProperties)
                    {
                        message.AdditionalProperties[property.Key] = property.Value;
                    }
                }
            }

            var contents = update.Contents;
            for (var i = 0; i < contents.Count; i++)
            {
                AddContent(contents[i]);
            }

            if (update.ResponseId is { Length: > 0 })
            {
                _response.ResponseId = update.ResponseId;
            }

            if (update.ConversationId is not null)
            {
                _response.ConversationId = update.ConversationId;
            }

            if (_response.CreatedAt is null || (update.CreatedAt is not null && update.CreatedAt > _response.CreatedAt))
            {
                _response.CreatedAt = update.CreatedAt;
            }

            if (update.FinishReason is not null)
            {
                _response.FinishReason = update.FinishReason;
            }

            if (update.ModelId is not null)
            {
                _response.ModelId = update.ModelId;
            }
        }

        /// <summary>Finishes the response; call once, after the last update.</summary>
        public ChatResponse Build()
        {
            FlushRun();
            return _response;
        }

        private void AddContent(AIContent content)
        {
            switch (content)
            {
                case UsageContent usage:
                    (_response.Usage ??= new()).Add(usage.Details);
                    return;
                case TextContent text when text.Annotations is not { Count: > 0 }:
                    if (_runLast is not TextContent)
                    {
                        FlushRun();
                    }

                    AppendToRun(text, text.Text);
                    return;
                case TextReasoningContent reasoning when reasoning.Annotations is not { Count: > 0 }:
                    // As ToChatResponse: a reasoning item merges with the next only when it carries no protected data.
                    if (_runLast is not TextReasoningContent { ProtectedData: null or "" })
                    {
                        FlushRun();
                    }

                    AppendToRun(reasoning, reasoning.Text);
                    return;
                default:
                    FlushRun();
                    _message!.Contents.Add(content);
                    return;
            }
        }

        private void AppendToRun(AIContent content, string? text)
        {
            if (_runCount == 0)
            {
                _runFirst = content;
            }

            _run.Append(text);
            _runLast = content;
            _runCount++;
        }

        private void FlushRun()
        {
            if (_runCount == 0)
            {
                return;
            }

            AIContent merged;
            if (_runCount == 1)
            {
                merged = _runFirst!;
            }
            else if (_runFirst is TextContent first)
            {
                merged = new TextContent(_run.ToString()) { AdditionalProperties = first.AdditionalProperties?.Clone() };
            }
            else
            {
                var reasoning = new TextReasoningContent(_run.ToString()) { AdditionalProperties = _runFirst!.AdditionalProperties?.Clone() };
                if (((TextReasoningContent)_runLast!).ProtectedData is { } protectedData)
                {
                    reasoning.ProtectedData = protectedData;
                }

                merged = reasoning;
            }

            _message!.Contents.Add(merged);
            _run.Clear();
            _runFirst = null;
            _runLast = null;
            _runCount = 0;
        }

        private static bool NotEmptyOrEqual(string? s1, string? s2) =>
            s1 is { Length: > 0 } && s2 is { Length: > 0 } && !string.Equals(s1, s2, StringComparison.Ordinal);
    }
}
