import { lazy, Suspense, useEffect } from 'react';
import { navigate, useLocation } from './router.ts';
import { Shell, useSession } from './components/shell.tsx';
import { tokenOf } from './session.ts';

// Each page is its own chunk: the first load fetches only the shell and the page opened.
const SignIn = lazy(() => import('./pages/sign-in.tsx'));
const Datasets = lazy(() => import('./pages/datasets.tsx'));
const DatasetCreate = lazy(() => import('./pages/dataset-create.tsx'));
const DatasetDetail = lazy(() => import('./pages/dataset-detail.tsx'));
const Labeling = lazy(() => import('./pages/labeling.tsx'));
const Algorithms = lazy(() => import('./pages/algorithms.tsx'));
const TrainingJobs = lazy(() => import('./pages/training-jobs.tsx'));
const TrainingJobCreate = lazy(() => import('./pages/training-job-create.tsx'));
const TrainingJobDetail = lazy(() => import('./pages/training-job-detail.tsx'));
const Models = lazy(() => import('./pages/models.tsx'));
const Services = lazy(() => import('./pages/services.tsx'));
const ServiceCreate = lazy(() => import('./pages/service-create.tsx'));
const ServiceDetail = lazy(() => import('./pages/service-detail.tsx'));
const Invite = lazy(() => import('./pages/invite.tsx'));
const WorkerTasks = lazy(() => import('./pages/worker-tasks.tsx'));
const WorkerTask = lazy(() => import('./pages/worker-task.tsx'));
const Notebooks = lazy(() => import('./pages/notebooks.tsx'));
const NotebookCreate = lazy(() => import('./pages/notebook-create.tsx'));
const NotebookDetail = lazy(() => import('./pages/notebook-detail.tsx'));
const Pools = lazy(() => import('./pages/pools.tsx'));
const PoolCreate = lazy(() => import('./pages/pool-create.tsx'));
const PoolDetail = lazy(() => import('./pages/pool-detail.tsx'));
const Networks = lazy(() => import('./pages/networks.tsx'));
const Authorizations = lazy(() => import('./pages/authorizations.tsx'));
const Settings = lazy(() => import('./pages/settings.tsx'));
const NotFound = lazy(() => import('./pages/not-found.tsx'));

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function ProjectPage({ projectId, rest }: { projectId: string; rest: string[] }) {
  const [family, id, more] = rest;
  if (family === 'datasets' && id === undefined) return <Datasets projectId={projectId} />;
  if (family === 'datasets' && id === 'new' && more === undefined) return <DatasetCreate projectId={projectId} />;
  if (family === 'datasets' && id !== undefined && more === undefined) return <DatasetDetail key={id} projectId={projectId} datasetId={id} />;
  if (family === 'datasets' && id !== undefined && more === 'label' && rest.length === 3) return <Labeling key={id} projectId={projectId} datasetId={id} />;
  if (family === 'algorithms' && id === undefined) return <Algorithms projectId={projectId} />;
  if (family === 'training-jobs' && id === undefined) return <TrainingJobs projectId={projectId} />;
  if (family === 'training-jobs' && id === 'new' && more === undefined) return <TrainingJobCreate projectId={projectId} />;
  if (family === 'training-jobs' && id !== undefined && more === undefined) return <TrainingJobDetail key={id} projectId={projectId} jobId={id} />;
  if (family === 'models' && id === undefined) return <Models projectId={projectId} />;
  if (family === 'services' && id === undefined) return <Services projectId={projectId} />;
  if (family === 'services' && id === 'new' && more === undefined) return <ServiceCreate projectId={projectId} />;
  if (family === 'services' && id !== undefined && more === undefined) return <ServiceDetail key={id} projectId={projectId} serviceId={id} />;
  if (family === 'worker-tasks' && id === undefined) return <WorkerTasks projectId={projectId} />;
  if (family === 'worker-tasks' && id !== undefined && more !== undefined && rest.length === 3)
    return <WorkerTask key={more} projectId={projectId} datasetId={id} taskId={more} />;
  if (family === 'notebooks' && id === undefined) return <Notebooks projectId={projectId} />;
  if (family === 'notebooks' && id === 'new' && more === undefined) return <NotebookCreate projectId={projectId} />;
  if (family === 'notebooks' && id !== undefined && more === undefined) return <NotebookDetail key={id} projectId={projectId} notebookId={id} />;
  if (family === 'pools' && id === undefined) return <Pools projectId={projectId} />;
  if (family === 'pools' && id === 'new' && more === undefined) return <PoolCreate projectId={projectId} />;
  if (family === 'pools' && id !== undefined && more === undefined) return <PoolDetail key={id} projectId={projectId} poolName={id} />;
  if (family === 'networks' && id === undefined) return <Networks projectId={projectId} />;
  if (family === 'authorizations' && id === undefined) return <Authorizations projectId={projectId} />;
  if (family === 'settings' && id === undefined) return <Settings projectId={projectId} />;
  return <NotFound />;
}

export function App() {
  const { pathname, query } = useLocation();
  const session = useSession();
  const here = pathname + (query.size > 0 ? `?${query.toString()}` : '');
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let page;
  if (pathname === '/sign-in') page = <SignIn />;
  else if (parts[0] === 'invite' && parts[1] && parts.length === 2) page = <Invite token={parts[1]} />;
  else if (pathname === '/') {
    const first = session?.projects[0];
    page = <Redirect to={first ? `/projects/${encodeURIComponent(first.id)}/datasets` : '/sign-in'} />;
  } else if (parts[0] === 'projects' && parts[1]) {
    const projectId = parts[1];
    const token = tokenOf(projectId);
    if (!token || Date.parse(token.expiresAt) <= Date.now()) {
      const ask = session && !token ? 'add=1&' : token ? 'expired=1&' : '';
      page = <Redirect to={`/sign-in?${ask}next=${encodeURIComponent(here)}`} />;
    } else {
      page = (
        <Shell projectId={projectId}>
          <ProjectPage projectId={projectId} rest={parts.slice(2)} />
        </Shell>
      );
    }
  } else {
    page = (
      <main id="content">
        <NotFound />
      </main>
    );
  }
  return <Suspense fallback={<p className="muted">Loading…</p>}>{page}</Suspense>;
}
