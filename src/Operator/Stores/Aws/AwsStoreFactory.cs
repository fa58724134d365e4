using Amazon;
using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Operator.Entities.V1Alpha1;
using Operator.References;

namespace Operator.Stores.Aws;

/// <summary>Creates AWS SSM Parameter Store or Secrets Manager clients from <c>spec.aws</c> (<c>service</c>).</summary>
public sealed class AwsStoreFactory(AwsAmbientEnvironment? ambient = null) : ISecretStoreFactory
{
    private readonly AwsAmbientEnvironment ambient = ambient ?? new AwsAmbientEnvironment();

    public const string ParameterStore = "parameter-store";
    public const string SecretsManager = "secrets-manager";
    private const string RegionPattern = "^[a-z]{2}(-[a-z]+)+-[0-9]+$";
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    public StoreProvider Provider { get; } = StoreProvider.Of(spec => spec.Aws);

    public IEnumerable<(string Field, string Reference)> CredentialReferences(SecretStoreIntegrationSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var auth = spec.Aws?.Auth;
        if (!string.IsNullOrEmpty(auth?.AccessKeyId))
        {
            yield return (AwsCredentialsBuilder.AccessKeyIdField, auth.AccessKeyId);
        }

        if (!string.IsNullOrEmpty(auth?.SecretAccessKey))
        {
            yield return (AwsCredentialsBuilder.SecretAccessKeyField, auth.SecretAccessKey);
        }

        if (!string.IsNullOrEmpty(auth?.SessionToken))
        {
            yield return (AwsCredentialsBuilder.SessionTokenField, auth.SessionToken);
        }
    }

    public IEnumerable<string> Validate(SecretStoreIntegrationSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var aws = spec.Aws;
        if (aws is null)
        {
            yield return "spec.aws: required for the aws provider";
            yield break;
        }

        if (aws.Service is not (null or ParameterStore or SecretsManager))
        {
            yield return $"spec.aws.service: {Echo.Quote(aws.Service)} is not supported; use {ParameterStore} or {SecretsManager}";
        }

        if (string.IsNullOrEmpty(aws.Region))
        {
            yield return "spec.aws.region: required, e.g. us-east-1";
        }
        else if (!System.Text.RegularExpressions.Regex.IsMatch(aws.Region, RegionPattern))
        {
            yield return $"spec.aws.region: {Echo.Quote(aws.Region)} is not an AWS region such as us-east-1";
        }

        foreach (var (field, url) in new[] { ("spec.aws.endpoint", aws.Endpoint), ("spec.aws.stsEndpoint", aws.StsEndpoint) })
        {
            if (string.IsNullOrEmpty(url))
            {
                continue;
            }

            if (!Uri.TryCreate(url, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("https" or "http") || !string.IsNullOrEmpty(endpoint.UserInfo))
            {
                yield return $"{field}: must be an absolute http(s) URL without user info";
            }
            else if (Endpoints.Problem(field, url, spec.Insecure == true) is { } endpointProblem)
            {
                yield return endpointProblem;
            }
        }

        if (aws.KmsKeyArn is { Length: > 0 } kms && kms.Any(char.IsWhiteSpace))
        {
            yield return "spec.aws.kmsKeyArn: must not contain whitespace";
        }

        if (aws.Service == SecretsManager)
        {
            if (SecretsManagerPaths.NameProblem(SecretsManagerStore.NormalisePrefix(spec.PathPrefix) + "x") is { } smProblem)
            {
                yield return $"spec.pathPrefix: {Echo.Quote(spec.PathPrefix)} cannot start a Secrets Manager secret name: it {smProblem}";
            }
        }
        else if (SsmPaths.Describe((spec.PathPrefix ?? SsmStore.DefaultPrefix).TrimEnd('/') + "/x") is { } problem)
        {
            yield return $"spec.pathPrefix: {Echo.Quote(spec.PathPrefix ?? SsmStore.DefaultPrefix)} cannot start an SSM parameter name: it {problem}";
        }

        foreach (var error in ValidateAuth(aws.Auth))
        {
            yield return error;
        }
    }

    private static IEnumerable<string> ValidateAuth(AwsAuthSpec? auth)
    {
        if (auth is null)
        {
            yield break;
        }

        var hasKey = !string.IsNullOrEmpty(auth.AccessKeyId);
        var hasSecret = !string.IsNullOrEmpty(auth.SecretAccessKey);
        if (hasKey && !hasSecret)
        {
            yield return "spec.aws.auth.secretAccessKey: required when accessKeyId is set";
        }

        if (hasSecret && !hasKey)
        {
            yield return "spec.aws.auth.accessKeyId: required when secretAccessKey is set";
        }

        if (!string.IsNullOrEmpty(auth.SessionToken) && !hasKey)
        {
            yield return "spec.aws.auth.sessionToken: only valid with accessKeyId and secretAccessKey";
        }

        if (!string.IsNullOrEmpty(auth.RoleArn) && !System.Text.RegularExpressions.Regex.IsMatch(auth.RoleArn, "^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\\w+=,.@/-]{1,512}$"))
        {
            yield return $"spec.aws.auth.roleArn: {Echo.Quote(auth.RoleArn)} is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)";
        }

        if (!string.IsNullOrEmpty(auth.ExternalId) && string.IsNullOrEmpty(auth.RoleArn))
        {
            yield return "spec.aws.auth.externalId: only valid with roleArn";
        }
    }

    public IEnumerable<string> PlainHttpEndpoints(SecretStoreIntegrationSpec spec) =>
        new[] { ("spec.aws.endpoint", spec?.Aws?.Endpoint), ("spec.aws.stsEndpoint", spec?.Aws?.StsEndpoint) }
            .Where(e => Endpoints.IsPlainHttpToAnotherHost(e.Item2)).Select(e => e.Item1);

    public ISecretStore Create(StoreContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var aws = context.Integration.Spec.Aws
            ?? throw new SecretStoreException(StoreErrorKind.Misconfigured, "spec.aws: required for the aws provider");
        if (aws.Service == SecretsManager)
        {
            return CreateSecretsManager(context, aws);
        }

        var config = new AmazonSimpleSystemsManagementConfig
        {
            // Retries are ours (StoreRetry), so every call is counted against the integration's budget.
            MaxErrorRetry = 0,
            Timeout = TimeSpan.FromSeconds(30),
        };
        Point(config, aws);
        var credentials = AwsCredentialsBuilder.Build(aws, context.Credentials, SessionName(context), context.Time, ambient);
        var client = credentials is null ? new AmazonSimpleSystemsManagementClient(config) : new AmazonSimpleSystemsManagementClient(credentials, config);
        var prefix = SsmPaths.NormalisePrefix(context.Integration.Spec.PathPrefix);
        return new SsmStore(client, credentials, prefix, aws.KmsKeyArn, context);
    }

    private SecretsManagerStore CreateSecretsManager(StoreContext context, AwsStoreSpec aws)
    {
        var credentials = AwsCredentialsBuilder.Build(aws, context.Credentials, SessionName(context), context.Time, ambient);
        var endpoint = new Uri(string.IsNullOrEmpty(aws.Endpoint) ? $"https://secretsmanager.{aws.Region}.amazonaws.com/" : aws.Endpoint.TrimEnd('/') + "/");
        var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = RequestTimeout };
        var client = new SecretsManagerClient(http, endpoint, aws.Region, credentials, context.Time);
        return new SecretsManagerStore(client, SecretsManagerStore.NormalisePrefix(context.Integration.Spec.PathPrefix), aws.KmsKeyArn, context);
    }

    private static string SessionName(StoreContext context)
    {
        var sessionName = $"tfy-secret-operator-{context.Fqn.Tenant}";
        return sessionName.Length > 64 ? sessionName[..64] : sessionName;
    }

    /// <summary>Region, and the endpoint override when set (VPC endpoint or a test fake).</summary>
    internal static void Point(ClientConfig config, AwsStoreSpec aws)
    {
        if (string.IsNullOrEmpty(aws.Endpoint))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(aws.Region);
        }
        else
        {
            config.ServiceURL = aws.Endpoint;
            config.AuthenticationRegion = aws.Region;
        }
    }
}
