using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mai.Client.Accounting;

/// <summary>Source-generated JSON metadata for the accounting types (price tables).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(PriceTableOptions))]
internal sealed partial class AccountingJsonContext : JsonSerializerContext;
