using System.Net;
using k8s;
using k8s.Autorest;

namespace Operator.Manifests;

/// <summary>Applies the CRDs generated from the entity classes (<c>--install-crds</c>).</summary>
public static class CrdInstaller
{
    public static async Task InstallAsync(IKubernetes client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        foreach (var crd in CrdGenerator.GenerateAll())
        {
            try
            {
                var existing = await client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(crd.Metadata.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
                crd.Metadata.ResourceVersion = existing.Metadata.ResourceVersion;
                await client.ApiextensionsV1.ReplaceCustomResourceDefinitionAsync(crd, crd.Metadata.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
