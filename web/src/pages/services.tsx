import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import { Link } from '../router.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { serviceBusy } from '../codes.ts';

/** The project's real-time services; polls while one is deploying or changing. */
export default function Services({ projectId }: { projectId: string }) {
  const list = useQuery({
    queryKey: ['services', projectId],
    queryFn: () => unwrap(api.GET('/v1/{project_id}/services', { params: { path: { project_id: projectId }, query: { offset: 0, limit: 100 } } })),
    refetchInterval: (q) => (q.state.data?.services.some((s) => serviceBusy(s.status)) ? 1000 : false),
  });
  const base = `/projects/${encodeURIComponent(projectId)}/services`;
  const services = list.data?.services ?? [];
  return (
    <>
      <div className="row spread">
        <h1>Services</h1>
        <Link className="button primary" to={`${base}/new`}>
          Deploy a service
        </Link>
      </div>
      <ErrorNote error={list.error} />
      {list.isPending ? <p className="muted">Loading…</p> : null}
      {list.data ? (
        services.length > 0 ? (
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Status</th>
                <th scope="col">Description</th>
              </tr>
            </thead>
            <tbody>
              {services.map((s) => (
                <tr key={s.service_id}>
                  <td>
                    <Link to={`${base}/${encodeURIComponent(s.service_id)}`}>{s.service_name}</Link>
                  </td>
                  <td>{s.infer_type}</td>
                  <td>{s.status}</td>
                  <td>{s.description}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="notice">No services yet in this project.</p>
        )
      ) : null}
    </>
  );
}
