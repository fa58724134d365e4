using System.ComponentModel;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Operator.Entities.Schema;
using Operator.Runtime;

namespace Operator.Entities.V1Alpha1;

/// <summary>Token bucket: steady <c>qps</c> with bursts up to <c>burst</c>.</summary>
public sealed class RateLimitSpec
{
    [Range(0.01, 10000)]
    [Description("Sustained calls per second.")]
    [JsonPropertyName("qps")]
    public double? Qps { get; set; }

    [Range(1, 10000)]
    [Description("Largest burst of calls.")]
    [JsonPropertyName("burst")]
    public int? Burst { get; set; }
}
