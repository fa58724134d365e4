using System.ComponentModel;
using System.Text.Json.Serialization;
using Operator.Entities.Schema;

namespace Operator.Entities.V1Alpha1;

/// <summary>How one store call that the store throttled is retried.</summary>
public sealed class RetrySpec
{
    [Range(1, 20)]
    [Description("Attempts of one call, the first included (default 6).")]
    [JsonPropertyName("maxAttempts")]
    public int? MaxAttempts { get; set; }

    [Pattern(Patterns.Duration)]
    [Description("Most time one call may spend waiting between attempts (default 30s); a wait the store asks for (Retry-After) that would end later is not started.")]
    [JsonPropertyName("budget")]
    public string? Budget { get; set; }
}
