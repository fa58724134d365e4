using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Operator.Tls;

/// <summary>
/// Where one listener's certificate lives: <c>Component</c> names it in log lines and labels (<c>webhook</c>, <c>api</c>),
/// <c>ServiceName</c> is the Service it answers for, <c>SecretName</c> (in <c>Namespace</c>) holds it; with
/// <c>CertManager</c> cert-manager writes tls.crt/tls.key and the operator only reads them.
/// </summary>
public sealed record ServingCertificateSettings(string Component, string Namespace, string ServiceName, string SecretName, bool CertManager);
