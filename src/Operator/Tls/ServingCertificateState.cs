using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Operator.Tls;

/// <summary>What one pass found: whether a certificate is served, and the CA bundle (PEM) clients should trust (null under cert-manager).</summary>
public sealed record ServingCertificateState(bool Ready, string? CaBundle);
