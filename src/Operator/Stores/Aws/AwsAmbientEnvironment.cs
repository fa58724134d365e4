namespace Operator.Stores.Aws;

/// <summary>
/// The pod's AWS identity variables, read when an integration has no keys in <c>spec.aws.auth</c>: IRSA
/// (<c>AWS_ROLE_ARN</c>, <c>AWS_WEB_IDENTITY_TOKEN_FILE</c>, <c>AWS_ROLE_SESSION_NAME</c>) and EKS Pod Identity /
/// container credentials (<c>AWS_CONTAINER_CREDENTIALS_FULL_URI</c>, <c>AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE</c> or
/// <c>AWS_CONTAINER_AUTHORIZATION_TOKEN</c>). Anything else ambient (instance role, profile) stays the SDK's chain.
/// The process environment by default; a test passes its own, since an in-process operator shares the test host's.
/// </summary>
public sealed class AwsAmbientEnvironment(Func<string, string?>? variables = null)
{
    public const string RoleArnVariable = "AWS_ROLE_ARN";
    public const string WebIdentityTokenFileVariable = "AWS_WEB_IDENTITY_TOKEN_FILE";
    public const string RoleSessionNameVariable = "AWS_ROLE_SESSION_NAME";
    public const string StsEndpointVariable = "AWS_ENDPOINT_URL_STS";
    public const string ContainerFullUriVariable = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
    public const string ContainerRelativeUriVariable = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
    public const string ContainerTokenFileVariable = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";
    public const string ContainerTokenVariable = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
    public const string AccessKeyIdVariable = "AWS_ACCESS_KEY_ID";

    private readonly Func<string, string?> variables = variables ?? Environment.GetEnvironmentVariable;

    public string? this[string name] => variables(name) is { Length: > 0 } value ? value : null;

    /// <summary>IRSA's role and token file, when both are set (the SDK's chain tries them first too).</summary>
    public (string RoleArn, string TokenFile, string? SessionName)? WebIdentity =>
        this[RoleArnVariable] is { } role && this[WebIdentityTokenFileVariable] is { } file ? (role, file, this[RoleSessionNameVariable]) : null;

    /// <summary>
    /// The container credentials endpoint when the SDK's chain would reach it: no IRSA and no keys in the environment
    /// (those come first in the chain; a shared profile file in between is not looked for: pods do not carry one).
    /// </summary>
    public string? ContainerCredentialsUri =>
        WebIdentity is null && this[AccessKeyIdVariable] is null
            ? this[ContainerFullUriVariable] ?? (this[ContainerRelativeUriVariable] is { } relative ? "http://169.254.170.2" + relative : null)
            : null;
}
