using System.ComponentModel;
using System.Text.Json.Serialization;
using Operator.Entities.Schema;

namespace Operator.Entities.V1Alpha1;

/// <summary>AWS credentials: access key, assumed role, or ambient when empty.</summary>
public sealed class AwsAuthSpec
{
    [JsonPropertyName("roleArn")]
    public string? RoleArn { get; set; }

    [JsonPropertyName("externalId")]
    public string? ExternalId { get; set; }

    [Description("Reference to the access key id.")]
    [JsonPropertyName("accessKeyId")]
    public string? AccessKeyId { get; set; }

    [Description("Reference to the secret access key.")]
    [JsonPropertyName("secretAccessKey")]
    public string? SecretAccessKey { get; set; }

    [Description("Reference to a session token.")]
    [JsonPropertyName("sessionToken")]
    public string? SessionToken { get; set; }
}
