using System.ComponentModel;
using System.Text.Json.Serialization;
using Operator.Entities.Schema;

namespace Operator.Entities.V1Alpha1;

// Every secret-bearing auth field is a reference (tfy-secret://, <fqn>::<path> or tfy-k8s-secret://KEY).

/// <summary>AWS connection: SSM Parameter Store or Secrets Manager.</summary>
public sealed class AwsStoreSpec
{
    [Default("parameter-store")]
    [EnumValues("parameter-store", "secrets-manager")]
    [Description("parameter-store (a path is a parameter name) or secrets-manager (a path is a secret name, or <secret>#<JSON key>).")]
    [JsonPropertyName("service")]
    public string? Service { get; set; }

    [Required]
    [Pattern("^[a-z]{2}(-[a-z]+)+-[0-9]+$")]
    [JsonPropertyName("region")]
    public string Region { get; set; } = "";

    [Description("Optional endpoint URL (VPC endpoint, tests).")]
    [JsonPropertyName("endpoint")]
    public string? Endpoint { get; set; }

    [Description("Optional STS endpoint URL for auth.roleArn (an STS VPC endpoint, tests); default the regional https://sts.<region>.amazonaws.com. spec.aws.endpoint is never used for STS.")]
    [JsonPropertyName("stsEndpoint")]
    public string? StsEndpoint { get; set; }

    [Description("KMS key for SecureString parameters and Secrets Manager secrets the operator creates.")]
    [JsonPropertyName("kmsKeyArn")]
    public string? KmsKeyArn { get; set; }

    [Description("Credentials; none means ambient (IRSA, pod identity, instance role).")]
    [JsonPropertyName("auth")]
    public AwsAuthSpec? Auth { get; set; }
}
