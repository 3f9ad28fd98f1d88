// Command kube-test-server runs a real kube-apiserver (k8s.io/kubernetes as a library) on an etcd embedded in the same
// process, for Atelier's tests of its Kubernetes executor. Flags of its own (all start with --atelier-) come first; every
// other flag goes to kube-apiserver unchanged.
//
// `kube-test-server controller-manager FLAGS...` runs the real kube-controller-manager instead (the tests start it with
// the Job controller, the garbage collector and the namespace and service-account controllers), and
// `kube-test-server scheduler FLAGS...` the real kube-scheduler (placement on Node objects a test creates).
//
//	--atelier-data-dir=DIR  where etcd keeps its data and the generated PKI lives (DIR/pki); created when missing
//	--atelier-pki-only      write the PKI (CA, serving certificate for 127.0.0.1/localhost, service-account key) and exit
//	--atelier-exit-with-parent  exit when the process that started it is gone (a test runner killed mid-run leaves no server)
//
// Without --etcd-servers, an embedded etcd listens on free loopback ports and kube-apiserver is pointed at it. Without
// --tls-cert-file, the generated PKI is passed as the serving certificate, client CA and service-account keys.
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
	cmapp "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	schedapp "k8s.io/kubernetes/cmd/kube-scheduler/app"
)

func main() {
	if len(os.Args) > 1 && (os.Args[1] == "controller-manager" || os.Args[1] == "scheduler") {
		var rest []string
		for _, a := range os.Args[2:] {
			if a == "--atelier-exit-with-parent" {
				exitWithParent()
			} else {
				rest = append(rest, a)
			}
		}
		cmd := cmapp.NewControllerManagerCommand()
		if os.Args[1] == "scheduler" {
			cmd = schedapp.NewSchedulerCommand()
		}
		cmd.SetArgs(rest)
		os.Exit(cli.Run(cmd))
	}
	dataDir := ""
	pkiOnly := false
	var rest []string
	for _, a := range os.Args[1:] {
		switch {
		case a == "--atelier-exit-with-parent":
			exitWithParent()
		case strings.HasPrefix(a, "--atelier-data-dir="):
			dataDir = strings.TrimPrefix(a, "--atelier-data-dir=")
		case a == "--atelier-pki-only":
			pkiOnly = true
		default:
			rest = append(rest, a)
		}
	}
	if dataDir == "" {
		fail(fmt.Errorf("--atelier-data-dir is required"))
	}
	pki := filepath.Join(dataDir, "pki")
	if err := writePKI(pki); err != nil {
		fail(err)
	}
	if pkiOnly {
		return
	}
	if !hasFlag(rest, "--etcd-servers") {
		endpoint, err := startEtcd(filepath.Join(dataDir, "etcd"))
		if err != nil {
			fail(err)
		}
		rest = append(rest, "--etcd-servers="+endpoint)
	}
	if !hasFlag(rest, "--tls-cert-file") {
		rest = append(rest,
			"--tls-cert-file="+filepath.Join(pki, "serving.crt"),
			"--tls-private-key-file="+filepath.Join(pki, "serving.key"),
			"--client-ca-file="+filepath.Join(pki, "ca.crt"),
		)
	}
	if !hasFlag(rest, "--service-account-key-file") {
		rest = append(rest,
			"--service-account-key-file="+filepath.Join(pki, "sa.pub"),
			"--service-account-signing-key-file="+filepath.Join(pki, "sa.key"),
		)
	}
	if !hasFlag(rest, "--service-account-issuer") {
		rest = append(rest, "--service-account-issuer=https://kubernetes.default.svc.cluster.local")
	}
	cmd := app.NewAPIServerCommand()
	cmd.SetArgs(rest)
	os.Exit(cli.Run(cmd))
}

// exitWithParent ends the process once its parent is gone (it is then re-parented, and its parent pid changes).
func exitWithParent() {
	parent := os.Getppid()
	go func() {
		for range time.Tick(time.Second) {
			if os.Getppid() != parent {
				fmt.Fprintln(os.Stderr, "kube-test-server: the process that started it is gone; exiting")
				os.Exit(2)
			}
		}
	}()
}

func hasFlag(args []string, name string) bool {
	for _, a := range args {
		if a == name || strings.HasPrefix(a, name+"=") {
			return true
		}
	}
	return false
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "kube-test-server:", err)
	os.Exit(1)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func startEtcd(dir string) (string, error) {
	cp, err := freePort()
	if err != nil {
		return "", err
	}
	pp, err := freePort()
	if err != nil {
		return "", err
	}
	client, _ := url.Parse(fmt.Sprintf("http://127.0.0.1:%d", cp))
	peer, _ := url.Parse(fmt.Sprintf("http://127.0.0.1:%d", pp))
	cfg := embed.NewConfig()
	cfg.Dir = dir
	cfg.Name = "atelier-test"
	cfg.ListenClientUrls = []url.URL{*client}
	cfg.AdvertiseClientUrls = []url.URL{*client}
	cfg.ListenPeerUrls = []url.URL{*peer}
	cfg.AdvertisePeerUrls = []url.URL{*peer}
	cfg.InitialCluster = cfg.Name + "=" + peer.String()
	cfg.LogLevel = "error"
	// The etcd of a test server is thrown away with its directory: no fsync on every write.
	cfg.UnsafeNoFsync = true
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return "", fmt.Errorf("embedded etcd: %w", err)
	}
	select {
	case <-e.Server.ReadyNotify():
	case <-time.After(60 * time.Second):
		e.Close()
		return "", fmt.Errorf("embedded etcd did not become ready within 60 s")
	}
	go func() {
		fail(fmt.Errorf("embedded etcd stopped: %v", <-e.Err()))
	}()
	return client.String(), nil
}

func writePKI(dir string) error {
	if _, err := os.Stat(filepath.Join(dir, "sa.pub")); err == nil {
		return nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "atelier-test-ca"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return err
	}
	caCert, _ := x509.ParseCertificate(caDER)
	srvKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	srvTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "kube-apiserver"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")},
	}
	srvDER, err := x509.CreateCertificate(rand.Reader, srvTmpl, caCert, &srvKey.PublicKey, caKey)
	if err != nil {
		return err
	}
	saKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	saPub, err := x509.MarshalPKIXPublicKey(&saKey.PublicKey)
	if err != nil {
		return err
	}
	files := []struct {
		name, kind string
		der        []byte
	}{
		{"ca.crt", "CERTIFICATE", caDER},
		{"serving.crt", "CERTIFICATE", srvDER},
		{"sa.key", "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(saKey)},
		{"sa.pub", "PUBLIC KEY", saPub},
	}
	caKeyDER, err := x509.MarshalECPrivateKey(caKey)
	if err != nil {
		return err
	}
	srvKeyDER, err := x509.MarshalECPrivateKey(srvKey)
	if err != nil {
		return err
	}
	files = append(files, struct {
		name, kind string
		der        []byte
	}{"ca.key", "EC PRIVATE KEY", caKeyDER}, struct {
		name, kind string
		der        []byte
	}{"serving.key", "EC PRIVATE KEY", srvKeyDER})
	// sa.pub is written last: its presence means the set is complete.
	order := []int{0, 1, 4, 5, 2, 3}
	for _, i := range order {
		f := files[i]
		if err := os.WriteFile(filepath.Join(dir, f.name), pem.EncodeToMemory(&pem.Block{Type: f.kind, Bytes: f.der}), 0o600); err != nil {
			return err
		}
	}
	return nil
}
