using Operator.Entities.V1Alpha1;

namespace Operator.IntegrationTests.Stores;

/// <summary>Credentials in a Secret Manager endpoint are never echoed (the shared canary run).</summary>
public sealed class GcpEndpointRedactionTests
{
    [Fact]
    public Task CredentialsInTheEndpoint_AreRedactedInStatusEventsLogsAndExceptions() =>
        EndpointRedaction.AssertNeverEchoedAsync(
            canary => [new("gcp-endpoint", "spec.gcp.endpoint", s => (s.Kubernetes, s.Gcp) = (null, new GcpStoreSpec { ProjectId = "my-project", Endpoint = $"ftp://admin:{canary.Password}@gcp.example.com/?access_token={canary.Token}" }))],
            shown: "***@gcp.example.com");
}
