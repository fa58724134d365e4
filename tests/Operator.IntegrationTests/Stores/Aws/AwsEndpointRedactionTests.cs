using Operator.Entities.V1Alpha1;

namespace Operator.IntegrationTests.Stores;

/// <summary>Credentials in an SSM endpoint are never echoed (the shared canary run).</summary>
public sealed class AwsEndpointRedactionTests
{
    [Fact]
    public Task CredentialsInTheEndpoint_AreRedactedInStatusEventsLogsAndExceptions() =>
        EndpointRedaction.AssertNeverEchoedAsync(
            canary => [new("aws-endpoint", "spec.aws.endpoint", s => (s.Kubernetes, s.Aws) = (null, new AwsStoreSpec { Region = "us-east-1", Endpoint = $"https://admin:{canary.Password}@ssm.example.com/?X-Amz-Security-Token={canary.Token}" }))],
            shown: null); // its message says what is wrong without echoing the URL
}
